// What every service's main() shares: the standard flags, the metrics endpoint, and serving
// until SIGTERM.
#ifndef ACCORD_COMMON_SERVER_SERVICE_MAIN_H_
#define ACCORD_COMMON_SERVER_SERVICE_MAIN_H_

#include <functional>
#include <string>
#include <vector>

#include "common/server/config.h"
#include "common/server/tls.h"
#include "common/storage/store.h"
#include "grpcpp/grpcpp.h"

namespace accord::server {

struct ServiceFlags {
  std::string service;  // lower case, for example "risk"
  std::string data_dir;
  std::string host;
  int port = 0;
  std::string port_file;
  int metrics_port = 0;  // -1: no metrics endpoint
  int grace_ms = 10000;
  std::string admin_address;  // accordctl's local address: unix:/path or 127.0.0.1:port
  std::string backup_dir;     // where online backups go; empty: none
  TlsFiles tls;  // mutual TLS with peers when enabled
};

// Reads --data_dir, --host, --grpc_port, --port_file, --metrics_port, --grace_ms,
// --admin_address and --backup_dir, with environment fallbacks ACCORD_<SERVICE>_DATA_DIR,
// ACCORD_HOST, ACCORD_<SERVICE>_GRPC_PORT, ACCORD_<SERVICE>_PORT_FILE,
// ACCORD_<SERVICE>_METRICS_PORT, ACCORD_GRACE_MS, ACCORD_<SERVICE>_ADMIN_ADDRESS and
// ACCORD_<SERVICE>_BACKUP_DIR, and the mutual TLS flags (tls.h). With TLS configured, calls to peers present this process's
// certificate from here on (SetPeerCredentials) and RunService requires callers' ones.
ServiceFlags ReadServiceFlags(Config& config, const std::string& service);

// Starts the metrics endpoint and the admin server (accord.ops.v1.OperationsService over
// `store`, on flags.admin_address), then serves `services` until SIGTERM/SIGINT (see
// ServeUntilSignalled). Returns the process exit code.
int RunService(const ServiceFlags& flags, const storage::Store* store,
               const std::vector<grpc::Service*>& services,
               const std::function<void()>& before_drain);

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_SERVICE_MAIN_H_
