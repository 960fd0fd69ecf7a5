// accord-review: review schedules, reviews, performance reports, exit, and the register
// keeper's compliance view and annual report. Follows the register, assessment and
// (optionally) risk feeds.
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/service_main.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "services/review/partnership_register.h"
#include "services/review/review_service.h"
#include "services/review/reviews.h"

int main(int argc, char** argv) {
  using accord::telemetry::Log;
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("review");
  accord::server::Config config(argc, argv);
  accord::server::ServiceFlags flags = accord::server::ReadServiceFlags(config, "review");
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
      {.path = flags.data_dir,
       .service = "review",
       .column_families = accord::review::Reviews::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store",
        {{"path", flags.data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::review::GrpcPartnershipRegister register_service(
      registry_address, absl::Milliseconds(registry_deadline_ms));
  accord::review::Reviews reviews(store->get(), &register_service);
  accord::review::ReviewServiceImpl service(&reviews);

  using accord::events::v1::Event;
  using accord::storage::FollowPeerFeed;
  std::vector<std::unique_ptr<accord::storage::FeedFollower>> followers;
  followers.push_back(FollowPeerFeed<accord::registry::v1::RegistryService>(
      "registry", store->get(), registry_address,
      [&reviews](const Event& event) { return reviews.FollowRegister(event); }));
  followers.push_back(FollowPeerFeed<accord::assessment::v1::AssessmentService>(
      "assessment", store->get(), assessment_address,
      [&reviews](const Event& event) { return reviews.FollowAssessment(event); }));
  if (!risk_address.empty()) {
    followers.push_back(FollowPeerFeed<accord::risk::v1::RiskService>(
        "risk", store->get(), risk_address,
        [&reviews](const Event& event) { return reviews.FollowRisk(event); }));
  }
  for (auto& follower : followers) follower->Start();

  return accord::server::RunService(flags, store->get(), {&service}, [&] {
    for (auto& follower : followers) follower->Stop();
    service.CloseStreams();
  });
}
