// gRPC adapter of the API key registry (accord.gateway.v1.AdminService), served only on the
// gateway's local admin address for accord-admin.
#ifndef ACCORD_GATEWAY_ADMIN_ADMIN_SERVICE_H_
#define ACCORD_GATEWAY_ADMIN_ADMIN_SERVICE_H_

#include "accord/gateway/v1/admin_service.grpc.pb.h"
#include "gateway/auth/key_registry.h"

namespace accord::gateway {

// Thread-safe; `keys` is not owned.
class AdminServiceImpl : public v1::AdminService::CallbackService {
 public:
  explicit AdminServiceImpl(KeyRegistry* keys) : keys_(keys) {}

  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::CreateApiKeyRequest* req,
                                         v1::CreateApiKeyResponse* out) override;
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* ctx,
                                        const v1::ListApiKeysRequest* req,
                                        v1::ListApiKeysResponse* out) override;
  grpc::ServerUnaryReactor* RotateApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::RotateApiKeyRequest* req,
                                         v1::CreateApiKeyResponse* out) override;
  grpc::ServerUnaryReactor* RevokeApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::RevokeApiKeyRequest* req,
                                         v1::ApiKey* out) override;

 private:
  KeyRegistry* keys_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_ADMIN_ADMIN_SERVICE_H_
