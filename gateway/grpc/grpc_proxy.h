// gRPC pass-through: every call to a proxied service, unary or streaming, is relayed
// message by message to its backend, with metadata, deadline, cancellation and the
// backend's final status (details included). Calls to other methods get UNIMPLEMENTED.
#ifndef ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
#define ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_

#include "absl/time/time.h"
#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "grpcpp/generic/async_generic_service.h"

namespace accord::gateway {

// Register with ServerBuilder::RegisterCallbackGenericService. It receives every method
// no registered service handles, so register real services (health) as services.
// Thread-safe; the tables are not owned and must outlive the server.
class GrpcProxyService : public grpc::CallbackGenericService {
 public:
  // Unary calls that arrive without a deadline get `default_deadline` (zero: none).
  GrpcProxyService(const BackendTable* backends, const Authorizer* authorizer,
                   absl::Duration default_deadline = absl::ZeroDuration());

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  const BackendTable* backends_;
  const Authorizer* authorizer_;
  absl::Duration default_deadline_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
