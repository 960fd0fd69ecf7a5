// gRPC pass-through: every call to a proxied service, unary or streaming, is relayed
// message by message to its backend, with metadata, deadline, cancellation and the
// backend's final status (details included). Calls to other methods get UNIMPLEMENTED.
#ifndef ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
#define ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_

#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "grpcpp/generic/async_generic_service.h"

namespace accord::gateway {

// Register with ServerBuilder::RegisterCallbackGenericService. It receives every method
// no registered service handles, so register real services (health) as services.
// Thread-safe; the tables are not owned and must outlive the server.
class GrpcProxyService : public grpc::CallbackGenericService {
 public:
  GrpcProxyService(const BackendTable* backends, const Authorizer* authorizer);

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  const BackendTable* backends_;
  const Authorizer* authorizer_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
