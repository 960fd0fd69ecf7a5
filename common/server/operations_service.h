// accord.ops.v1.OperationsService over a process's own store: online backups and store
// status for accordctl. Served only on the local admin address (see StartAdminServer).
#ifndef ACCORD_COMMON_SERVER_OPERATIONS_SERVICE_H_
#define ACCORD_COMMON_SERVER_OPERATIONS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "accord/ops/v1/operations_service.grpc.pb.h"
#include "common/storage/store.h"
#include "grpcpp/grpcpp.h"

namespace accord::server {

class OperationsServiceImpl final : public ops::v1::OperationsService::Service {
 public:
  // `backup_dir` comes from the process's own settings; empty: backups are not configured.
  OperationsServiceImpl(const storage::Store* store, std::string backup_dir)
      : store_(store), backup_dir_(std::move(backup_dir)) {}

  grpc::Status CreateBackup(grpc::ServerContext* context,
                            const ops::v1::CreateBackupRequest* request,
                            ops::v1::Backup* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context,
                           const ops::v1::ListBackupsRequest* request,
                           ops::v1::ListBackupsResponse* response) override;
  grpc::Status GetStoreStatus(grpc::ServerContext* context,
                              const ops::v1::GetStoreStatusRequest* request,
                              ops::v1::StoreStatus* response) override;

 private:
  const storage::Store* store_;
  std::string backup_dir_;
};

// Where the admin server listens by default: unix:<data_dir>/admin.sock.
std::string DefaultAdminAddress(const std::string& data_dir);

// Starts a plaintext server for `services` on a local-only address: "unix:/path" (the socket
// is made owner-only) or "127.0.0.1:port"/"localhost:port". Null, with the reason logged, when
// the address is not local or cannot be bound.
std::unique_ptr<grpc::Server> StartAdminServer(const std::string& address,
                                               const std::vector<grpc::Service*>& services);

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_OPERATIONS_SERVICE_H_
