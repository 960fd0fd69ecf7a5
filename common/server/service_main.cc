#include "common/server/service_main.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/server/grpc_server.h"
#include "common/server/operations_service.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"

namespace accord::server {

ServiceFlags ReadServiceFlags(Config& config, const std::string& service) {
  std::string env = absl::StrCat("ACCORD_", absl::AsciiStrToUpper(service), "_");
  ServiceFlags flags;
  flags.service = service;
  flags.data_dir = config.String("data_dir", env + "DATA_DIR", "",
                                 absl::StrCat("folder of the ", service, " service's RocksDB store"),
                                 /*required=*/true);
  flags.host = config.String("host", "ACCORD_HOST", "127.0.0.1", "address to listen on");
  flags.port = static_cast<int>(
      config.Int("grpc_port", env + "GRPC_PORT", 0, "gRPC port; 0 lets the kernel pick", 0, 65535));
  flags.port_file =
      config.String("port_file", env + "PORT_FILE", "", "write the chosen gRPC port here");
  flags.metrics_port = static_cast<int>(
      config.Int("metrics_port", env + "METRICS_PORT", 0,
                 "Prometheus /metrics port; 0 lets the kernel pick; -1 off", -1, 65535));
  flags.grace_ms = static_cast<int>(config.Int(
      "grace_ms", "ACCORD_GRACE_MS", 10000, "how long SIGTERM waits for calls in flight", 0,
      600000));
  flags.admin_address = config.String(
      "admin_address", env + "ADMIN_ADDRESS", "",
      "where accordctl reaches backups and store status: unix:/path or 127.0.0.1:port; "
      "default unix:<data_dir>/admin.sock");
  if (flags.admin_address.empty()) flags.admin_address = DefaultAdminAddress(flags.data_dir);
  flags.backup_dir = config.String(
      "backup_dir", env + "BACKUP_DIR", "",
      "folder for online backups (accordctl backup); empty: backups are refused");
  flags.tls = ReadTlsFlags(config);
  if (flags.tls.enabled()) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> peer =
        ChannelCredentialsFor(flags.tls);
    if (peer.ok()) SetPeerCredentials(*peer);
  }
  return flags;
}

int RunService(const ServiceFlags& flags, const storage::Store* store,
               const std::vector<grpc::Service*>& services,
               const std::function<void()>& before_drain) {
  OperationsServiceImpl operations(store, flags.backup_dir);
  std::unique_ptr<grpc::Server> admin = StartAdminServer(flags.admin_address, {&operations});
  if (!admin) return 1;
  std::unique_ptr<telemetry::MetricsHttpServer> metrics;
  if (flags.metrics_port >= 0) {
    metrics = telemetry::MetricsHttpServer::Start(flags.host, flags.metrics_port);
    if (!metrics) return 1;
    telemetry::Log("info", "metrics", {{"port", std::to_string(metrics->port())}});
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentialsFor(flags.tls);
  if (!credentials.ok()) {
    telemetry::Log("fatal", "cannot load TLS files", {{"error", credentials.status().ToString()}});
    return 1;
  }
  int code = ServeUntilSignalled({.service_name = flags.service,
                              .listen_address = absl::StrCat(flags.host, ":", flags.port),
                              .port_file = flags.port_file,
                              .grace = absl::Milliseconds(flags.grace_ms),
                              .credentials = *credentials},
                             services, before_drain);
  admin->Shutdown(std::chrono::system_clock::now());
  return code;
}

}  // namespace accord::server
