#include "gateway/admin/admin_service.h"

#include "common/api/errors.h"
#include "common/telemetry/log.h"

namespace accord::gateway {
namespace {

grpc::ServerUnaryReactor* Issued(grpc::CallbackServerContext* ctx,
                                 absl::StatusOr<IssuedKey> issued,
                                 v1::CreateApiKeyResponse* out, const char* action) {
  if (issued.ok()) {
    *out->mutable_api_key() = issued->api_key;
    out->set_secret(issued->secret);
    telemetry::Log("info", action,
                   {{"key", issued->api_key.name()}, {"client", issued->api_key.client()}});
  }
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(api::ToGrpcStatus(issued.status()));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* AdminServiceImpl::CreateApiKey(grpc::CallbackServerContext* ctx,
                                                         const v1::CreateApiKeyRequest* req,
                                                         v1::CreateApiKeyResponse* out) {
  std::vector<std::string> scopes(req->scopes().begin(), req->scopes().end());
  return Issued(ctx, keys_->Create(req->client(), scopes, req->acts_for_officers()), out,
                "api key created");
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListApiKeys(grpc::CallbackServerContext* ctx,
                                                        const v1::ListApiKeysRequest* req,
                                                        v1::ListApiKeysResponse* out) {
  for (auto& key : keys_->List()) *out->add_api_keys() = std::move(key);
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::RotateApiKey(grpc::CallbackServerContext* ctx,
                                                         const v1::RotateApiKeyRequest* req,
                                                         v1::CreateApiKeyResponse* out) {
  return Issued(ctx, keys_->Rotate(req->name()), out, "api key rotated");
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeApiKey(grpc::CallbackServerContext* ctx,
                                                         const v1::RevokeApiKeyRequest* req,
                                                         v1::ApiKey* out) {
  absl::StatusOr<v1::ApiKey> revoked = keys_->Revoke(req->name());
  if (revoked.ok()) {
    *out = *revoked;
    telemetry::Log("info", "api key revoked", {{"key", revoked->name()}});
  }
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(api::ToGrpcStatus(revoked.status()));
  return reactor;
}

}  // namespace accord::gateway
