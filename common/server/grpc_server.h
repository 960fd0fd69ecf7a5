// Process bootstrap shared by every Accord service: a gRPC server with health, reflection,
// a JSON log line and metrics per call, and a clean stop on SIGTERM or SIGINT.
#ifndef ACCORD_COMMON_SERVER_GRPC_SERVER_H_
#define ACCORD_COMMON_SERVER_GRPC_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace accord::server {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later, so that
// WaitForTerminationSignal() receives them. Call first thing in main().
void BlockTerminationSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal's number.
int WaitForTerminationSignal();

// Writes `port` to `path` atomically (temporary file, then rename), for tests and scripts
// that start a process on port 0. Does nothing when `path` is empty.
void WritePortFile(const std::string& path, int port);

// grpc::ServerBuilder interceptors that log one JSON line and record metrics per call.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
CallLoggingInterceptors();

struct GrpcServerOptions {
  std::string service_name;   // for logs, for example "registry"
  std::string listen_address; // host:port; port 0 lets the kernel pick
  std::string port_file;      // optional: where to write the chosen port
  absl::Duration grace = absl::Seconds(10);
  // Server credentials; insecure when null.
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

// Builds and starts the server with `services` (not owned; they must outlive the call),
// serves until SIGTERM/SIGINT, then marks every service NOT_SERVING, calls `before_drain`
// (to end long-lived streams), drains in-flight calls for up to `grace`, and returns 0.
// Returns 1 when the port cannot be bound.
int ServeUntilSignalled(const GrpcServerOptions& options,
                        const std::vector<grpc::Service*>& services,
                        const std::function<void()>& before_drain);

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_GRPC_SERVER_H_
