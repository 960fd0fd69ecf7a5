#include "gateway/transcoder/http_errors.h"

#include "common/api/errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/error_info.pb.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HttpStatusForGrpcCode, FollowsTheGoogleApiMapping) {
  using grpc::StatusCode;
  const std::vector<std::pair<StatusCode, int>> table = {
      {StatusCode::OK, 200},
      {StatusCode::INVALID_ARGUMENT, 400},
      {StatusCode::FAILED_PRECONDITION, 400},
      {StatusCode::OUT_OF_RANGE, 400},
      {StatusCode::UNAUTHENTICATED, 401},
      {StatusCode::PERMISSION_DENIED, 403},
      {StatusCode::NOT_FOUND, 404},
      {StatusCode::ABORTED, 409},
      {StatusCode::ALREADY_EXISTS, 409},
      {StatusCode::RESOURCE_EXHAUSTED, 429},
      {StatusCode::CANCELLED, 499},
      {StatusCode::UNIMPLEMENTED, 501},
      {StatusCode::UNAVAILABLE, 503},
      {StatusCode::DEADLINE_EXCEEDED, 504},
      {StatusCode::UNKNOWN, 500},
      {StatusCode::INTERNAL, 500},
      {StatusCode::DATA_LOSS, 500},
  };
  for (const auto& [code, http] : table) {
    EXPECT_EQ(HttpStatusForGrpcCode(code), http) << GrpcCodeName(code);
  }
}

TEST(GrpcCodeName, NamesEveryCodeAndCallsOthersUnknown) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(99)), "UNKNOWN");
}

TEST(HttpErrorFromGrpc, BackendDetailsBecomeTheAip193Shape) {
  grpc::Status backend = api::ToGrpcStatus(
      api::InvalidField("partnership.display_name", "is required"));
  HttpError error = HttpErrorFromGrpc(backend);
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.json,
            R"({"error":{"code":400,"message":"partnership.display_name: is required",)"
            R"("status":"INVALID_ARGUMENT","details":[)"
            R"({"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_FIELD",)"
            R"("domain":"accord.council.gov.uk"},)"
            R"({"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[)"
            R"({"field":"partnership.display_name","description":"is required"}]}]}})");
}

TEST(HttpErrorFromGrpc, StatusWithoutDetailsKeepsCodeAndMessage) {
  HttpError error =
      HttpErrorFromGrpc(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "not yet"));
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.json, R"({"error":{"code":400,"message":"not yet",)"
                        R"("status":"FAILED_PRECONDITION"}})");
}

// Transport and storage texts name peers' addresses and file paths: a client sees a fixed
// message for server-side failures (tests/fault security check).
TEST(HttpErrorFromGrpc, ServerSideFailuresHideTheBackendsMessage) {
  HttpError error = HttpErrorFromGrpc(grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:39849: "
      "Failed to connect to remote host: Connection refused"));
  EXPECT_EQ(error.http_status, 503);
  EXPECT_EQ(error.json, R"({"error":{"code":503,"message":"the service is unavailable; )"
                        R"(retry with backoff","status":"UNAVAILABLE"}})");
  google::rpc::Status with_details;
  with_details.set_code(static_cast<int>(grpc::StatusCode::INTERNAL));
  with_details.set_message("put: IO error: No space left on device: /data/registry/000012.log");
  google::rpc::ErrorInfo info;
  info.set_reason("STORAGE_FAILED");
  with_details.add_details()->PackFrom(info);
  HttpError internal = HttpErrorFromGrpc(grpc::Status(
      grpc::StatusCode::INTERNAL, with_details.message(), with_details.SerializeAsString()));
  EXPECT_EQ(internal.http_status, 500);
  EXPECT_THAT(internal.json, Not(HasSubstr("No space")));
  EXPECT_THAT(internal.json, Not(HasSubstr("/data/")));
  EXPECT_THAT(internal.json, HasSubstr("STORAGE_FAILED"));
}

TEST(HttpErrorFromGrpc, BackendStoppingMidCallIsUnavailableNotCancelled) {
  // A service that stops while a call is in transport ends it CANCELLED; the client did
  // not cancel anything and should retry, so it sees 503 UNAVAILABLE.
  HttpError error = HttpErrorFromGrpc(grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled"));
  EXPECT_EQ(error.http_status, 503);
  EXPECT_EQ(error.json, R"({"error":{"code":503,"message":"the service stopped before )"
                        R"(answering; retry with backoff and the same request id",)"
                        R"("status":"UNAVAILABLE"}})");
  EXPECT_EQ(ClientSafeStatus(grpc::Status(grpc::StatusCode::CANCELLED, "")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(HttpErrorFromGrpc, UnparsableDetailsFallBackToTheTrailerStatus) {
  HttpError error =
      HttpErrorFromGrpc(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone", "\xff\xff garbage"));
  EXPECT_EQ(error.http_status, 404);
  EXPECT_EQ(error.json, R"({"error":{"code":404,"message":"gone","status":"NOT_FOUND"}})");
}

TEST(HttpErrorFromStatus, OverrideChangesTheHttpCodeButNotTheStatusName) {
  HttpError error =
      HttpErrorFromStatus(api::InvalidField("body", "must be at most 10 bytes"), 413);
  EXPECT_EQ(error.http_status, 413);
  EXPECT_THAT(error.json, ::testing::StartsWith(
                              R"({"error":{"code":413,"message":"body: must be at most 10 bytes",)"
                              R"("status":"INVALID_ARGUMENT","details":[)"));
  EXPECT_THAT(error.json, ::testing::HasSubstr(R"({"field":"body",)"
                                               R"("description":"must be at most 10 bytes"})"));
}

TEST(ErrorJson, MessageIsEscapedAsAJsonString) {
  google::rpc::Status status;
  status.set_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
  status.set_message("no \"x\"\n");
  EXPECT_EQ(ErrorJson(404, status),
            R"({"error":{"code":404,"message":"no \"x\"\n","status":"NOT_FOUND"}})");
}

}  // namespace
}  // namespace accord::gateway
