// gRPC adapter of the officer directory (accord.gateway.v1.OfficerService). Served on the
// gateway's in-process server, reached only through the gateway's authorisation.
#ifndef ACCORD_GATEWAY_DIRECTORY_OFFICER_SERVICE_H_
#define ACCORD_GATEWAY_DIRECTORY_OFFICER_SERVICE_H_

#include "accord/gateway/v1/officer_service.grpc.pb.h"
#include "gateway/directory/officer_directory.h"

namespace accord::gateway {

// Thread-safe; `directory` is not owned.
class OfficerServiceImpl : public v1::OfficerService::CallbackService {
 public:
  explicit OfficerServiceImpl(OfficerDirectory* directory) : directory_(directory) {}

  grpc::ServerUnaryReactor* CreateOfficer(grpc::CallbackServerContext* ctx,
                                          const v1::CreateOfficerRequest* req,
                                          v1::Officer* out) override;
  grpc::ServerUnaryReactor* GetOfficer(grpc::CallbackServerContext* ctx,
                                       const v1::GetOfficerRequest* req, v1::Officer* out) override;
  grpc::ServerUnaryReactor* ListOfficers(grpc::CallbackServerContext* ctx,
                                         const v1::ListOfficersRequest* req,
                                         v1::ListOfficersResponse* out) override;
  grpc::ServerUnaryReactor* UpdateOfficer(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateOfficerRequest* req,
                                          v1::Officer* out) override;
  grpc::ServerUnaryReactor* LeaveOfficer(grpc::CallbackServerContext* ctx,
                                         const v1::LeaveOfficerRequest* req,
                                         v1::Officer* out) override;

 private:
  OfficerDirectory* directory_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_DIRECTORY_OFFICER_SERVICE_H_
