#include "gateway/backend/backend_table.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

TEST(BackendTable, ABackendNobodyServesIsUnconnected) {
  std::string nowhere =
      "unix:" + (std::filesystem::temp_directory_path() / "accord-nobody-listens.sock").string();
  std::filesystem::remove(nowhere.substr(5));
  BackendTable table({{"accord.registry.v1.RegistryService", nowhere}});
  for (int i = 0; i < 20; ++i) {  // the channel tries and fails; it never becomes ready
    EXPECT_EQ(table.Unconnected(), std::vector<std::string>{nowhere});
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(BackendTable, AServedBackendBecomesConnected) {
  grpc::CallbackGenericService any;  // a server needs one service to start
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&any);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  std::string address = "127.0.0.1:" + std::to_string(port);
  BackendTable table({{"accord.registry.v1.RegistryService", address},
                      {"accord.risk.v1.RiskService", address}});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<std::string> unconnected = table.Unconnected();
  EXPECT_EQ(unconnected.size(), 1u) << "services behind one address share one channel";
  while (!unconnected.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    unconnected = table.Unconnected();
  }
  EXPECT_TRUE(unconnected.empty());
  server->Shutdown();
}

}  // namespace
}  // namespace accord::gateway
