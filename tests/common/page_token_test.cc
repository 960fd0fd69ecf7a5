#include "common/api/page_token.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::api {
namespace {

TEST(PageToken, RoundTripsTheCursor) {
  uint64_t fp = QueryFingerprint("state = ACTIVE", "name");
  std::string cursor("f\0state\0ACTIVE\0n\0abc", 20);
  auto decoded = DecodePageToken(EncodePageToken(cursor, fp), fp);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, cursor);
}

TEST(PageToken, TokenForAnotherQueryIsRefused) {
  std::string token = EncodePageToken("k", QueryFingerprint("state = ACTIVE", ""));
  auto decoded = DecodePageToken(token, QueryFingerprint("state = PROPOSED", ""));
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(decoded.status().message()), ::testing::StartsWith("page_token:"));
}

TEST(PageToken, GarbageAndEditedTokensAreRefused) {
  uint64_t fp = QueryFingerprint("", "");
  std::string token = EncodePageToken("cursor", fp);
  std::string edited = token;
  edited[5] = edited[5] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string("not-a-token"), std::string("!!"), edited,
                                 token.substr(0, token.size() - 3), std::string()}) {
    auto decoded = DecodePageToken(bad, fp);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PageToken, FilterAndOrderAreNotConfused) {
  EXPECT_NE(QueryFingerprint("ab", "c"), QueryFingerprint("a", "bc"));
}

TEST(PageSize, ZeroMeansDefaultLargeIsClampedNegativeIsRefused) {
  EXPECT_EQ(*EffectivePageSize(0, 50, 1000), 50);
  EXPECT_EQ(*EffectivePageSize(7, 50, 1000), 7);
  EXPECT_EQ(*EffectivePageSize(5000, 50, 1000), 1000);
  EXPECT_EQ(EffectivePageSize(-1, 50, 1000).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace accord::api
