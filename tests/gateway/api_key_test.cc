// API keys: their text form, hashing and constant-time checking, and the registry's
// create / rotate / revoke over a real store.
#include "absl/strings/match.h"
#include "gateway/auth/api_key_secret.h"
#include "gateway/auth/key_registry.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::gateway {
namespace {

TEST(ApiKeySecret, FormattedKeyParsesBackToItsParts) {
  std::string id = NewKeyId(), secret = NewKeySecret();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(secret.size(), 43u);
  auto parsed = ParseApiKey(FormatApiKey(id, secret));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->key_id, id);
  EXPECT_EQ(parsed->secret, secret);
}

TEST(ApiKeySecret, MalformedKeysAreUnauthenticated) {
  for (const char* text : {"", "accord_", "bearer", "accord_0123456789abcdef_short",
                           "other_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                           "accord_0123456789ABCDEF_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                           "accord_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"}) {
    EXPECT_EQ(ParseApiKey(text).status().code(), absl::StatusCode::kUnauthenticated) << text;
  }
}

TEST(ApiKeySecret, OnlyTheRightSecretMatchesItsHash) {
  std::string secret = NewKeySecret();
  std::string hash = HashSecret(secret);
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_TRUE(SecretMatches(secret, hash));
  std::string other = secret;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(SecretMatches(other, hash));
  EXPECT_FALSE(SecretMatches(secret, hash.substr(1)));
  EXPECT_NE(NewKeySecret(), secret);
}

TEST(ApiKeySecret, BearerTokenNeedsTheBearerScheme) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer   abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
  EXPECT_EQ(BearerToken(""), "");
}

class KeyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    registry_.reset();
    store_.reset();
    store_ = *storage::Store::Open({.path = dir_.path(),
                                    .service = "gateway",
                                    .column_families = KeyRegistry::ColumnFamilies()});
    registry_ = *KeyRegistry::Open(store_.get());
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<KeyRegistry> registry_;
};

TEST_F(KeyRegistryTest, CreatedKeyVerifiesAndIsStoredOnlyAsAHash) {
  auto issued = registry_->Create("finance", {"partnerships:read"}, false);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_TRUE(absl::StartsWith(issued->secret, "accord_"));
  EXPECT_TRUE(issued->api_key.secret_sha256().empty());
  auto verified = registry_->Verify(issued->secret);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ((*verified)->client(), "finance");

  std::string secret_part = ParseApiKey(issued->secret)->secret;
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator("api_keys");
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      EXPECT_FALSE(absl::StrContains(storage::View(it->value()), secret_part));
    }
  }
  Reopen();  // the key survives a restart
  EXPECT_TRUE(registry_->Verify(issued->secret).ok());
}

TEST_F(KeyRegistryTest, WrongUnknownRotatedAndRevokedKeysAreRefusedAlike) {
  auto issued = *registry_->Create("hr", {"officers:write"}, false);
  std::string wrong = issued.secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto refused = registry_->Verify(wrong);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  std::string unknown = FormatApiKey(NewKeyId(), NewKeySecret());
  EXPECT_EQ(registry_->Verify(unknown).status().message(), refused.status().message());

  auto rotated = registry_->Rotate(issued.api_key.name());
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_FALSE(registry_->Verify(issued.secret).ok());
  EXPECT_TRUE(registry_->Verify(rotated->secret).ok());

  ASSERT_TRUE(registry_->Revoke(issued.api_key.name()).ok());
  EXPECT_EQ(registry_->Verify(rotated->secret).status().message(), refused.status().message());
  EXPECT_EQ(registry_->Rotate(issued.api_key.name()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Reopen();
  EXPECT_FALSE(registry_->Verify(rotated->secret).ok());
  ASSERT_EQ(registry_->List().size(), 1u);
  EXPECT_TRUE(registry_->List()[0].has_revoke_time());
}

TEST_F(KeyRegistryTest, UnknownScopesAndMissingClientNameTheField) {
  auto bad = registry_->Create("", {"partnerships:read", "everything"}, false);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "client: is required"));
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "scopes[1]"));
}

}  // namespace
}  // namespace accord::gateway
