#include "common/api/errors.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/error_info.pb.h"
#include "gtest/gtest.h"

namespace accord::api {
namespace {

TEST(Errors, InvalidFieldNamesTheFieldInMessageAndDetails) {
  absl::Status status = InvalidField("partnership.display_name", "is required");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "partnership.display_name: is required");

  google::rpc::Status rpc = ToRpcStatus(status);
  EXPECT_EQ(rpc.code(), 3);
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad_request;
  bool has_info = false, has_bad_request = false;
  for (const auto& detail : rpc.details()) {
    has_info |= detail.UnpackTo(&info);
    has_bad_request |= detail.UnpackTo(&bad_request);
  }
  ASSERT_TRUE(has_info);
  ASSERT_TRUE(has_bad_request);
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  EXPECT_EQ(info.domain(), kErrorDomain);
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "partnership.display_name");
}

TEST(Errors, SeveralViolationsAreAllReported) {
  absl::Status status = InvalidFields({{"a", "is required"}, {"b", "is too long"}});
  EXPECT_EQ(status.message(), "a: is required; b: is too long");
  google::rpc::BadRequest bad_request;
  google::rpc::Status rpc = ToRpcStatus(status);
  for (const auto& d : rpc.details()) d.UnpackTo(&bad_request);
  EXPECT_EQ(bad_request.field_violations_size(), 2);
}

TEST(Errors, GrpcRoundTripKeepsReasonAndViolations) {
  absl::Status original = InvalidField("page_token", "is not ours");
  grpc::Status wire = ToGrpcStatus(original);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(back), "INVALID_FIELD");
  EXPECT_EQ(back.message(), "page_token: is not ours");
}

TEST(Errors, PlainStatusGetsTheCodeNameAsReason) {
  EXPECT_EQ(ReasonOf(absl::NotFoundError("x")), "NOT_FOUND");
  EXPECT_EQ(ReasonOf(Error(absl::StatusCode::kAborted, "STALE_ETAG", "m")), "STALE_ETAG");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace accord::api
