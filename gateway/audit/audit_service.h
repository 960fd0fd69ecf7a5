// gRPC adapter of the audit trail (accord.gateway.v1.AuditService). Served on the gateway's
// in-process server, reached only through the gateway's authorisation (scope audit:read).
#ifndef ACCORD_GATEWAY_AUDIT_AUDIT_SERVICE_H_
#define ACCORD_GATEWAY_AUDIT_AUDIT_SERVICE_H_

#include "accord/gateway/v1/audit_service.grpc.pb.h"
#include "gateway/audit/audit_log.h"

namespace accord::gateway {

// Thread-safe; `log` is not owned.
class AuditServiceImpl : public v1::AuditService::CallbackService {
 public:
  explicit AuditServiceImpl(const AuditLog* log) : log_(log) {}

  grpc::ServerUnaryReactor* ListAuditEntries(grpc::CallbackServerContext* ctx,
                                             const v1::ListAuditEntriesRequest* req,
                                             v1::ListAuditEntriesResponse* out) override;
  grpc::ServerUnaryReactor* ExportAuditEntries(grpc::CallbackServerContext* ctx,
                                               const v1::ExportAuditEntriesRequest* req,
                                               v1::ExportAuditEntriesResponse* out) override;

 private:
  const AuditLog* log_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUDIT_AUDIT_SERVICE_H_
