// Which backend serves which proxied gRPC service, with one channel per backend address.
// Immutable after construction; safe to share between threads (channels and generic stubs
// are thread-safe).
#ifndef ACCORD_GATEWAY_BACKEND_BACKEND_TABLE_H_
#define ACCORD_GATEWAY_BACKEND_BACKEND_TABLE_H_

#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"

namespace accord::gateway {

// A proxied service: its full name ("accord.registry.v1.RegistryService") and the
// host:port of the process serving it.
struct BackendService {
  std::string service;
  std::string address;
};

class BackendTable {
 public:
  // Channels are created lazily by gRPC: an unreachable backend shows up as UNAVAILABLE on
  // the first call, not here.
  explicit BackendTable(const std::vector<BackendService>& services)
      : BackendTable(services, {}, nullptr) {}

  // As above, with `credentials` for every backend channel (insecure when null; mutual TLS
  // in production) and services the gateway serves itself, reached over `local` channels
  // (in-process) keyed by service name.
  BackendTable(const std::vector<BackendService>& services,
               const std::map<std::string, std::shared_ptr<grpc::Channel>>& local,
               std::shared_ptr<grpc::ChannelCredentials> credentials);

  // The stub for the service of `grpc_path` ("/pkg.Service/Method"), or nullptr when the
  // service is not proxied. The stub is owned by the table.
  grpc::GenericStub* StubForPath(absl::string_view grpc_path) const;

  std::vector<std::string> ServiceNames() const;

  // The addresses of remote backends whose channel is not connected now. Never blocks: an
  // idle channel is asked to connect and counts as not ready until it has, so a readiness
  // probe turns ready on a later call. Empty when every backend is connected.
  std::vector<std::string> Unconnected() const;

 private:
  std::map<std::string, std::shared_ptr<grpc::GenericStub>, std::less<>> by_service_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> remote_by_address_;
};

// The service part of "/pkg.Service/Method", or "" when the path has another shape.
absl::string_view ServiceOfPath(absl::string_view grpc_path);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_BACKEND_BACKEND_TABLE_H_
