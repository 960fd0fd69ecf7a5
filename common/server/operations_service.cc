#include "common/server/operations_service.h"

#include "common/storage/feed_follower.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "common/storage/backup.h"
#include "common/telemetry/log.h"

namespace accord::server {
namespace {

void ToProto(const storage::BackupRecord& record, ops::v1::Backup* out) {
  out->set_id(record.id);
  out->mutable_create_time()->set_seconds(record.create_unix_seconds);
  out->set_size_bytes(record.size_bytes);
  out->set_file_count(record.file_count);
  out->set_service(record.service);
  out->set_schema_version(record.schema_version);
  out->set_latest_sequence(record.latest_sequence);
  out->set_verified(record.verified);
}

}  // namespace

grpc::Status OperationsServiceImpl::CreateBackup(grpc::ServerContext*,
                                                 const ops::v1::CreateBackupRequest* request,
                                                 ops::v1::Backup* response) {
  if (backup_dir_.empty()) {
    return api::ToGrpcStatus(absl::FailedPreconditionError(
        "backups are not configured: start the process with --backup_dir"));
  }
  if (request->keep() < 0) {
    return api::ToGrpcStatus(absl::InvalidArgumentError("keep must be 0 (all) or more"));
  }
  absl::Time started = absl::Now();
  absl::StatusOr<storage::BackupRecord> made =
      storage::CreateBackup(*store_, backup_dir_, request->keep());
  if (!made.ok()) {
    telemetry::Log("error", "backup failed", {{"error", made.status().ToString()}});
    return api::ToGrpcStatus(made.status());
  }
  telemetry::Log("info", "backup created",
                 {{"id", std::to_string(made->id)},
                  {"bytes", std::to_string(made->size_bytes)},
                  {"sequence", std::to_string(made->latest_sequence)},
                  {"ms", std::to_string(absl::ToInt64Milliseconds(absl::Now() - started))}});
  ToProto(*made, response);
  return grpc::Status::OK;
}

grpc::Status OperationsServiceImpl::ListBackups(grpc::ServerContext*,
                                                const ops::v1::ListBackupsRequest*,
                                                ops::v1::ListBackupsResponse* response) {
  response->set_backup_dir(backup_dir_);
  if (backup_dir_.empty()) return grpc::Status::OK;
  absl::StatusOr<std::vector<storage::BackupRecord>> listed = storage::ListBackups(backup_dir_);
  if (absl::IsNotFound(listed.status())) return grpc::Status::OK;  // none made yet
  if (!listed.ok()) return api::ToGrpcStatus(listed.status());
  for (const auto& record : *listed) ToProto(record, response->add_backups());
  return grpc::Status::OK;
}

grpc::Status OperationsServiceImpl::GetStoreStatus(grpc::ServerContext*,
                                                   const ops::v1::GetStoreStatusRequest*,
                                                   ops::v1::StoreStatus* response) {
  response->set_service(store_->service());
  response->set_data_dir(store_->path());
  response->set_schema_version(store_->schema_version());
  response->set_opened_at_schema_version(store_->opened_at_version());
  response->set_latest_sequence(store_->latest_sequence());
  response->set_size_bytes(storage::StoreSizeBytes(*store_));
  if (auto cursors = storage::ReadCursors(*store_); cursors.ok()) {
    for (const auto& [feed, applied] : *cursors) {
      ops::v1::FeedCursor* cursor = response->add_feeds();
      cursor->set_feed(feed);
      cursor->set_applied_sequence(applied);
    }
  }
  response->set_backup_dir(backup_dir_);
  if (!backup_dir_.empty()) {
    absl::StatusOr<std::vector<storage::BackupRecord>> listed =
        storage::ListBackups(backup_dir_);
    if (listed.ok() && !listed->empty()) {
      response->set_backup_count(static_cast<int32_t>(listed->size()));
      response->mutable_last_backup_time()->set_seconds(listed->back().create_unix_seconds);
    }
  }
  return grpc::Status::OK;
}

std::string DefaultAdminAddress(const std::string& data_dir) {
  return absl::StrCat("unix:", data_dir, "/admin.sock");
}

std::unique_ptr<grpc::Server> StartAdminServer(const std::string& address,
                                               const std::vector<grpc::Service*>& services) {
  bool unix_socket = absl::StartsWith(address, "unix:");
  if (!unix_socket && !absl::StartsWith(address, "127.0.0.1:") &&
      !absl::StartsWith(address, "localhost:")) {
    telemetry::Log("fatal", "the admin address must be unix:/path or 127.0.0.1:port",
                   {{"admin_address", address}});
    return nullptr;
  }
  grpc::ServerBuilder builder;
  if (unix_socket) std::filesystem::remove(address.substr(5));  // left by a crash
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    telemetry::Log("fatal", "cannot listen for admin", {{"admin_address", address}});
    return nullptr;
  }
  if (unix_socket) {
    // Only the process's own user may use it.
    std::filesystem::permissions(address.substr(5), std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
  }
  return server;
}

}  // namespace accord::server
