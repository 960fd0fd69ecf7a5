#include "gateway/backend/backend_table.h"

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace accord::gateway {

absl::string_view ServiceOfPath(absl::string_view grpc_path) {
  if (grpc_path.size() < 4 || grpc_path[0] != '/') return {};
  size_t slash = grpc_path.find('/', 1);
  if (slash == absl::string_view::npos || slash + 1 == grpc_path.size()) return {};
  return grpc_path.substr(1, slash - 1);
}

BackendTable::BackendTable(const std::vector<BackendService>& services,
                           const std::map<std::string, std::shared_ptr<grpc::Channel>>& local,
                           std::shared_ptr<grpc::ChannelCredentials> credentials) {
  if (!credentials) credentials = grpc::InsecureChannelCredentials();
  // Services behind the same address share a channel, hence one HTTP/2 connection.
  std::map<std::string, std::shared_ptr<grpc::GenericStub>> by_address;
  for (const BackendService& backend : services) {
    auto& stub = by_address[backend.address];
    if (!stub) {
      std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(backend.address, credentials);
      remote_by_address_[backend.address] = channel;
      stub = std::make_shared<grpc::GenericStub>(std::move(channel));
    }
    by_service_[backend.service] = stub;
  }
  for (const auto& [service, channel] : local) {
    by_service_[service] = std::make_shared<grpc::GenericStub>(channel);
  }
}

grpc::GenericStub* BackendTable::StubForPath(absl::string_view grpc_path) const {
  auto it = by_service_.find(ServiceOfPath(grpc_path));
  return it == by_service_.end() ? nullptr : it->second.get();
}

std::vector<std::string> BackendTable::ServiceNames() const {
  std::vector<std::string> names;
  for (const auto& [name, stub] : by_service_) names.push_back(name);
  return names;
}

std::vector<std::string> BackendTable::Unconnected() const {
  std::vector<std::string> unconnected;
  for (const auto& [address, channel] : remote_by_address_) {
    if (channel->GetState(/*try_to_connect=*/true) != GRPC_CHANNEL_READY) {
      unconnected.push_back(address);
    }
  }
  return unconnected;
}

}  // namespace accord::gateway
