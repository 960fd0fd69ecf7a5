// Acknowledged writes survive kill -9: creates run against the real accord-registry binary,
// the process is SIGKILLed while writes are in flight, restarted on the same store, and
// every create that was acknowledged must be there, with its event in the feed.
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::testing {
namespace {

namespace v1 = accord::registry::v1;

class RegistryProcess {
 public:
  explicit RegistryProcess(const TempDir& dir) : dir_(dir) {}

  // Starts the binary and connects; false when it did not come up.
  bool Start() {
    std::string port_file = dir_.path() + "/registry.port";
    std::filesystem::remove(port_file);
    process_ = std::make_unique<Process>(
        ACCORD_REGISTRY_BIN,
        std::vector<std::string>{"--data_dir=" + dir_.path() + "/registry", "--grpc_port=0",
                                 "--metrics_port=-1", "--port_file=" + port_file},
        dir_.path() + "/registry.log");
    int port = WaitForPortFile(port_file);
    if (port == 0) return false;
    stub_ = v1::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    return true;
  }

  v1::RegistryService::Stub& stub() { return *stub_; }
  Process& process() { return *process_; }
  std::string log() const { return Tail(dir_.path() + "/registry.log"); }

 private:
  const TempDir& dir_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST(CrashDurability, EveryAcknowledgedCreateSurvivesKillNine) {
  TempDir dir;
  RegistryProcess registry(dir);
  std::map<std::string, std::string> acknowledged;  // name -> display name
  std::mutex mu;
  constexpr int kCycles = 3;
  constexpr int kWriters = 4;
  int failed_reopens = 0;

  for (int cycle = 0; cycle < kCycles; ++cycle) {
    if (!registry.Start()) {
      ++failed_reopens;
      ADD_FAILURE() << "registry did not start in cycle " << cycle << "\n" << registry.log();
      break;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop.load(); ++i) {
          v1::CreatePartnershipRequest request;
          request.set_partnership_id(absl::StrCat("c", cycle, "-w", w, "-n", i));
          request.mutable_partnership()->set_display_name(absl::StrCat("Crash ", cycle, w, i));
          request.mutable_partnership()->set_lead_service("Resilience");
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          v1::Partnership created;
          if (registry.stub().CreatePartnership(&ctx, request, &created).ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged[created.name()] = created.display_name();
          } else {
            return;  // the server is gone
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    registry.process().Kill();
    stop = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_EQ(failed_reopens, 0);
  ASSERT_TRUE(registry.Start()) << registry.log();
  ASSERT_GT(acknowledged.size(), 50u) << "too few writes to prove anything";

  int lost = 0;
  for (const auto& [name, display_name] : acknowledged) {
    v1::GetPartnershipRequest get;
    get.set_name(name);
    grpc::ClientContext ctx;
    v1::Partnership read;
    grpc::Status status = registry.stub().GetPartnership(&ctx, get, &read);
    if (!status.ok() || read.display_name() != display_name) ++lost;
  }
  EXPECT_EQ(lost, 0) << "of " << acknowledged.size() << " acknowledged creates";

  // Every acknowledged create has exactly one CREATED event in the feed.
  std::map<std::string, int> created_events;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  while (true) {
    grpc::ClientContext ctx;
    events::v1::ListEventsResponse response;
    ASSERT_TRUE(registry.stub().ListEvents(&ctx, page, &response).ok());
    if (response.events_size() == 0) break;
    for (const auto& e : response.events()) {
      EXPECT_EQ(e.sequence(), page.after_sequence() + 1) << "the feed has a gap";
      page.set_after_sequence(e.sequence());
      if (e.kind() == events::v1::CREATED) ++created_events[e.resource_name()];
    }
  }
  for (const auto& [name, unused] : acknowledged) {
    EXPECT_EQ(created_events[name], 1) << name;
  }
  std::printf("crash durability: %d kill -9 cycles, %zu acknowledged creates, %d lost, %d "
              "failed reopens\n",
              kCycles, acknowledged.size(), lost, failed_reopens);
  EXPECT_EQ(registry.process().Terminate(), 0);
}

}  // namespace
}  // namespace accord::testing
