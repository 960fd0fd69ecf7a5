#include "common/server/address.h"

#include <fstream>

#include "common/server/tls.h"

namespace accord::server {

std::string ResolveAddress(const std::string& spec) {
  if (spec.empty() || spec[0] != '@') return spec;
  std::ifstream in(spec.substr(1));
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) return "";
  return "127.0.0.1:" + std::to_string(port);
}

}  // namespace accord::server

namespace accord::server {

std::shared_ptr<grpc::Channel> PeerChannel::Get() {
  std::string address = ResolveAddress(spec_);
  if (address.empty()) return nullptr;
  absl::MutexLock lock(&mu_);
  if (address != address_) {
    channel_ = grpc::CreateChannel(address, PeerCredentials());
    address_ = address;
  }
  return channel_;
}

}  // namespace accord::server
