// accord-review: review schedules, reviews, performance reports, exit, and the register
// keeper's compliance view and annual report. Follows the register, assessment and
// (optionally) risk feeds.
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "common/server/address.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "services/review/partnership_register.h"
#include "services/review/review_service.h"
#include "services/review/reviews.h"

namespace {

using accord::events::v1::Event;
using accord::events::v1::StreamEventsRequest;
using Reader = grpc::ClientReaderInterface<Event>;

// A follower of the feed of `Service` at `address`, applying events with `apply`.
template <typename Service>
std::unique_ptr<accord::storage::FeedFollower> FollowerOf(
    const std::string& source, const std::string& address, accord::storage::Store* store,
    std::function<absl::Status(const Event&)> apply) {
  auto channel = std::make_shared<accord::server::PeerChannel>(address);
  return std::make_unique<accord::storage::FeedFollower>(
      source, store,
      [channel](grpc::ClientContext* ctx,
                const StreamEventsRequest& request) -> std::unique_ptr<Reader> {
        std::shared_ptr<grpc::Channel> peer = channel->Get();
        if (peer == nullptr) return nullptr;
        return Service::NewStub(peer)->StreamEvents(ctx, request);
      },
      std::move(apply));
}

}  // namespace

int main(int argc, char** argv) {
  using accord::telemetry::Log;
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("review");
  accord::server::Config config(argc, argv);
  std::string data_dir = config.String("data_dir", "ACCORD_REVIEW_DATA_DIR", "",
                                       "folder of the review service's RocksDB store", true);
  std::string host = config.String("host", "ACCORD_HOST", "127.0.0.1", "address to listen on");
  int64_t port = config.Int("grpc_port", "ACCORD_REVIEW_GRPC_PORT", 0,
                            "gRPC port; 0 lets the kernel pick", 0, 65535);
  std::string port_file = config.String("port_file", "ACCORD_REVIEW_PORT_FILE", "",
                                        "write the chosen gRPC port here");
  int64_t metrics_port = config.Int("metrics_port", "ACCORD_REVIEW_METRICS_PORT", 0,
                                    "Prometheus /metrics port; 0 lets the kernel pick; -1 off",
                                    -1, 65535);
  int64_t grace_ms = config.Int("grace_ms", "ACCORD_GRACE_MS", 10000,
                                "how long SIGTERM waits for calls in flight", 0, 600000);
  std::string registry_address =
      config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                    "the register service (host:port, or @port_file): feed and exits", true);
  std::string assessment_address =
      config.String("assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
                    "the assessment service to follow (host:port, or @port_file)", true);
  std::string risk_address = config.String(
      "risk_address", "ACCORD_RISK_ADDRESS", "",
      "the risk service to follow (host:port, or @port_file); empty: follow no risks");
  int64_t registry_deadline_ms =
      config.Int("registry_deadline_ms", "ACCORD_REGISTRY_DEADLINE_MS", 2000,
                 "deadline of calls to the register", 1, 600000);
  config.Finish();

  auto store = accord::storage::Store::Open(
      {.path = data_dir,
       .service = "review",
       .schema_version = 1,
       .column_families = accord::review::Reviews::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store", {{"path", data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::review::GrpcPartnershipRegister register_service(
      registry_address, absl::Milliseconds(registry_deadline_ms));
  accord::review::Reviews reviews(store->get(), &register_service);
  accord::review::ReviewServiceImpl service(&reviews);

  std::vector<std::unique_ptr<accord::storage::FeedFollower>> followers;
  followers.push_back(FollowerOf<accord::registry::v1::RegistryService>(
      "registry", registry_address, store->get(),
      [&reviews](const Event& event) { return reviews.FollowRegister(event); }));
  followers.push_back(FollowerOf<accord::assessment::v1::AssessmentService>(
      "assessment", assessment_address, store->get(),
      [&reviews](const Event& event) { return reviews.FollowAssessment(event); }));
  if (!risk_address.empty()) {
    followers.push_back(FollowerOf<accord::risk::v1::RiskService>(
        "risk", risk_address, store->get(),
        [&reviews](const Event& event) { return reviews.FollowRisk(event); }));
  }
  for (auto& follower : followers) follower->Start();

  std::unique_ptr<accord::telemetry::MetricsHttpServer> metrics;
  if (metrics_port >= 0) {
    metrics = accord::telemetry::MetricsHttpServer::Start(host, static_cast<int>(metrics_port));
    if (!metrics) return 1;
    Log("info", "metrics", {{"port", std::to_string(metrics->port())}});
  }
  return accord::server::ServeUntilSignalled({.service_name = "review",
                                              .listen_address = host + ":" + std::to_string(port),
                                              .port_file = port_file,
                                              .grace = absl::Milliseconds(grace_ms),
                                              .credentials = nullptr},
                                             {&service}, [&] {
                                               for (auto& follower : followers) follower->Stop();
                                               service.CloseStreams();
                                             });
}
