// Where a peer service listens, given as "host:port", or as "@/path/to/port_file" for a
// local peer started on a kernel-picked port (the file its --port_file wrote; read again on
// every use, so a restarted peer on a new port is found).
#ifndef ACCORD_COMMON_SERVER_ADDRESS_H_
#define ACCORD_COMMON_SERVER_ADDRESS_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"

namespace accord::server {

// "host:port" for `spec`; empty while a port file does not exist yet.
std::string ResolveAddress(const std::string& spec);

// A channel to a peer named by an address spec, re-created when the address changes.
// Thread-safe.
class PeerChannel {
 public:
  explicit PeerChannel(std::string spec) : spec_(std::move(spec)) {}

  // The channel, or nullptr while the peer cannot be located.
  std::shared_ptr<grpc::Channel> Get();

 private:
  const std::string spec_;
  absl::Mutex mu_;
  std::string address_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
};

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_ADDRESS_H_
