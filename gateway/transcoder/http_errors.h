// Errors as REST clients see them: the AIP-193 JSON shape and the gRPC -> HTTP status
// mapping of google/rpc/code.proto.
//
//   {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","details":[...]}}
//
// Pure functions; thread-safe.
#ifndef ACCORD_GATEWAY_TRANSCODER_HTTP_ERRORS_H_
#define ACCORD_GATEWAY_TRANSCODER_HTTP_ERRORS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace accord::gateway {

// OK 200; INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE 400; UNAUTHENTICATED 401;
// PERMISSION_DENIED 403; NOT_FOUND 404; ABORTED, ALREADY_EXISTS 409; RESOURCE_EXHAUSTED 429;
// CANCELLED 499; UNIMPLEMENTED 501; UNAVAILABLE 503; DEADLINE_EXCEEDED 504; others 500.
int HttpStatusForGrpcCode(grpc::StatusCode code);

// "INVALID_ARGUMENT" and so on; "UNKNOWN" for a number outside the enum.
absl::string_view GrpcCodeName(grpc::StatusCode code);

// The google.rpc.Status a backend sent in its binary error details, or one built from the
// code and message when it sent none (or sent something unparsable).
google::rpc::Status RpcStatusOf(const grpc::Status& status);

struct HttpError {
  int http_status = 500;
  std::string json;  // the application/json body
};

// `status` in the AIP-193 shape. `http_status` is the "code" written; "status" is the
// name of status.code(). Details are printed as JSON with their "@type".
std::string ErrorJson(int http_status, const google::rpc::Status& status);

// What a client may see of a backend's failure. A failure on the server side (UNAVAILABLE,
// DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS) keeps its code and details (ErrorInfo
// still says why) but its message becomes a fixed text: the original may name peers'
// addresses, gRPC transport states, file paths or RocksDB errors, which help an attacker
// and not the client. The original is logged. CANCELLED becomes UNAVAILABLE: the gateway
// cancels a backend call only for a caller who has gone, so one a caller sees means the
// service stopped mid-call, and the caller should retry. Other codes pass unchanged: their
// messages are written by Accord for the client (the field and the rule).
grpc::Status ClientSafeStatus(const grpc::Status& status);

// A backend's failure, with its details, at the mapped HTTP status (through
// ClientSafeStatus).
HttpError HttpErrorFromGrpc(const grpc::Status& status);

// A failure found by the gateway itself. `http_status` 0 means the mapped status of the
// code; give another (405, 413) where HTTP has a more precise answer than gRPC.
HttpError HttpErrorFromStatus(const absl::Status& status, int http_status = 0);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_TRANSCODER_HTTP_ERRORS_H_
