// accord-registry: the Partnerships Register service.
#include <cstdlib>

#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "common/server/address.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/service_main.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("registry");
  accord::server::Config config(argc, argv);
  accord::server::ServiceFlags flags = accord::server::ReadServiceFlags(config, "registry");
  std::string assessment_address = config.String(
      "assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
      "the assessment service to follow (host:port, or @port_file); empty: follow nothing");
  config.Finish();

  auto store = accord::storage::Store::Open(
      {.path = flags.data_dir,
       .service = "registry",
       .column_families = accord::registry::Registry::ColumnFamilies()});
  if (!store.ok()) {
    accord::telemetry::Log("fatal", "cannot open store",
                           {{"path", flags.data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::registry::Registry registry(store->get());
  accord::registry::RegistryServiceImpl service(&registry);

  // Status and tier follow the assessment service's change feed.
  std::unique_ptr<accord::storage::FeedFollower> follower;
  if (!assessment_address.empty()) {
    follower = accord::storage::FollowPeerFeed<accord::assessment::v1::AssessmentService>(
        "assessment", store->get(), assessment_address,
        [&registry](const accord::events::v1::Event& event) {
          return registry.FollowAssessment(event);
        });
    follower->Start();
  }

  return accord::server::RunService(flags, store->get(), {&service}, [&] {
    if (follower) follower->Stop();
    service.CloseStreams();
  });
}
