// The integrations service with the real processes: the merged feed across kill -9 of the
// integrations service loses nothing and repeats nothing.
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/integrations/v1/integrations_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace registry = accord::registry::v1;
namespace integrations = accord::integrations::v1;

class IntegrationsEndToEnd : public ::testing::Test {
 protected:
  IntegrationsEndToEnd() : stack_(Stack::Options{.integrations = true}) {}
  void SetUp() override { ASSERT_TRUE(stack_.ok()) << stack_.error(); }
  void TearDown() override { EXPECT_TRUE(stack_.StopGracefully()); }

  std::unique_ptr<integrations::IntegrationsService::Stub> Integrations() {
    return integrations::IntegrationsService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_.integrations_port()),
                            grpc::InsecureChannelCredentials()));
  }

  // Every change of the merged feed, read page by page from the start.
  std::vector<integrations::FeedChange> ReadAll() {
    std::vector<integrations::FeedChange> all;
    std::string cursor;
    auto stub = Integrations();
    while (true) {
      integrations::ListChangesRequest request;
      request.set_cursor(cursor);
      request.set_page_size(50);
      integrations::ListChangesResponse response;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      grpc::Status status = stub->ListChanges(&ctx, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok() || response.changes().empty()) return all;
      for (const auto& c : response.changes()) all.push_back(c);
      cursor = response.next_cursor();
    }
  }

  Stack stack_;
};

TEST_F(IntegrationsEndToEnd, MergedFeedSurvivesKillNineWithNothingLostOrDoubled) {
  auto registry_stub = registry::RegistryService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", stack_.registry_port()), grpc::InsecureChannelCredentials()));
  constexpr int kPartnerships = 40;
  std::thread writer([&] {
    for (int i = 0; i < kPartnerships; ++i) {
      registry::CreatePartnershipRequest create;
      create.set_partnership_id(absl::StrCat("feed-", i));
      create.mutable_partnership()->set_display_name(absl::StrCat("Feed ", i));
      create.mutable_partnership()->set_lead_service("Policy");
      registry::Partnership out;
      grpc::ClientContext ctx;
      ASSERT_TRUE(registry_stub->CreatePartnership(&ctx, create, &out).ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_TRUE(stack_.KillAndRestartIntegrations()) << stack_.error();
  writer.join();

  std::vector<integrations::FeedChange> all;
  for (int i = 0; i < 200; ++i) {
    all = ReadAll();
    int registry_changes = 0;
    for (const auto& c : all) registry_changes += c.event().service() == "registry";
    if (registry_changes >= kPartnerships) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::map<int64_t, int> seen;  // registry sequence → times
  for (const auto& c : all) {
    if (c.event().service() == "registry") ++seen[c.event().sequence()];
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(kPartnerships));
  int64_t expected = 1;
  for (const auto& [sequence, times] : seen) {
    EXPECT_EQ(sequence, expected++);
    EXPECT_EQ(times, 1) << "registry event " << sequence << " appears " << times << " times";
  }
  // Merged order keeps each service's own order.
  int64_t last = 0;
  for (const auto& c : all) {
    if (c.event().service() != "registry") continue;
    EXPECT_GT(c.event().sequence(), last);
    last = c.event().sequence();
  }
}

}  // namespace
}  // namespace accord::testing
