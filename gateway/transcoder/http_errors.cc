#include "gateway/transcoder/http_errors.h"

#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "common/telemetry/log.h"
#include "google/protobuf/util/json_util.h"

namespace accord::gateway {

int HttpStatusForGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {
      "OK",           "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",     "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",    "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",          "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return index >= 0 && index < static_cast<int>(std::size(kNames)) ? kNames[index] : "UNKNOWN";
}

google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    // The trailer status is authoritative; the details only add to it.
    rpc.set_code(status.error_code());
    if (rpc.message().empty()) rpc.set_message(status.error_message());
    return rpc;
  }
  rpc.Clear();
  rpc.set_code(status.error_code());
  rpc.set_message(status.error_message());
  return rpc;
}

std::string ErrorJson(int http_status, const google::rpc::Status& status) {
  std::string details;
  for (const google::protobuf::Any& detail : status.details()) {
    std::string json;
    // A detail whose type this binary does not know cannot be printed; it is left out
    // rather than failing the whole error.
    if (!google::protobuf::util::MessageToJsonString(detail, &json).ok()) continue;
    absl::StrAppend(&details, details.empty() ? "" : ",", json);
  }
  return absl::StrCat(
      "{\"error\":{\"code\":", http_status,
      ",\"message\":", telemetry::JsonQuote(status.message()),
      ",\"status\":\"", GrpcCodeName(static_cast<grpc::StatusCode>(status.code())), "\"",
      details.empty() ? "" : absl::StrCat(",\"details\":[", details, "]"), "}}");
}

grpc::Status ClientSafeStatus(const grpc::Status& status) {
  const char* message = nullptr;
  grpc::StatusCode code = status.error_code();
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
      // The gateway cancels a backend call only when its caller has gone, who then never
      // sees this; so a CANCELLED that reaches a caller is the service stopping mid-call.
      code = grpc::StatusCode::UNAVAILABLE;
      message =
          "the service stopped before answering; retry with backoff and the same request id";
      break;
    case grpc::StatusCode::UNAVAILABLE:
      message = "the service is unavailable; retry with backoff";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      message = "the service did not answer in time; retry with backoff";
      break;
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      message = "internal error; the service logs have the details under this request's id";
      break;
    default:
      return status;
  }
  telemetry::Log("warn", "backend error hidden from the client",
                 {{"code", std::string(GrpcCodeName(status.error_code()))},
                  {"error", status.error_message()}});
  std::string details;
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    rpc.set_code(static_cast<int>(code));
    rpc.set_message(message);
    details = rpc.SerializeAsString();
  }
  return grpc::Status(code, message, details);
}

HttpError HttpErrorFromGrpc(const grpc::Status& status) {
  grpc::Status safe = ClientSafeStatus(status);
  int http_status = HttpStatusForGrpcCode(safe.error_code());
  return {http_status, ErrorJson(http_status, RpcStatusOf(safe))};
}

HttpError HttpErrorFromStatus(const absl::Status& status, int http_status) {
  if (http_status == 0) {
    http_status = HttpStatusForGrpcCode(static_cast<grpc::StatusCode>(status.code()));
  }
  return {http_status, ErrorJson(http_status, api::ToRpcStatus(status))};
}

}  // namespace accord::gateway
