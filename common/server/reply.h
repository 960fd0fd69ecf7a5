// Finishing a unary callback-API call from an absl result: the one place a handler turns a
// status into a grpc::Status (with google.rpc.Status details).
#ifndef ACCORD_COMMON_SERVER_REPLY_H_
#define ACCORD_COMMON_SERVER_REPLY_H_

#include "absl/status/statusor.h"
#include "common/api/errors.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/server_context.h"

namespace accord::server {

// Finishes `ctx`'s call with `result`, moving the value into `out` on success.
template <typename T>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx, absl::StatusOr<T> result,
                                T* out) {
  auto* reactor = ctx->DefaultReactor();
  if (result.ok()) *out = *std::move(result);
  reactor->Finish(api::ToGrpcStatus(result.status()));
  return reactor;
}

inline grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx,
                                       const absl::Status& status) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(api::ToGrpcStatus(status));
  return reactor;
}

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_REPLY_H_
