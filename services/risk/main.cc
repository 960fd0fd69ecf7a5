// accord-risk: partnership risk registers and escalation to the corporate risk register.
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/clients/partnership_lookup.h"
#include "common/server/address.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/service_main.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "services/risk/risk_service.h"
#include "services/risk/risks.h"

int main(int argc, char** argv) {
  using accord::telemetry::Log;
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("risk");
  accord::server::Config config(argc, argv);
  accord::server::ServiceFlags flags = accord::server::ReadServiceFlags(config, "risk");
  std::string registry_address =
      config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                    "the register service, whose feed gives each partnership's state and tier (host:port, or @port_file)", true);
  std::string assessment_address =
      config.String("assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
                    "the assessment service whose feed gives protocols and the version each partnership is rated on", true);
  std::string default_protocol =
      config.String("default_protocol", "ACCORD_DEFAULT_PROTOCOL", "protocols/bolsover",
                    "protocol whose matrix rates risks of partnerships not yet assessed");
  int64_t registry_deadline_ms = config.Int("registry_deadline_ms", "ACCORD_REGISTRY_DEADLINE_MS",
                                            2000, "deadline of calls to the register", 1, 600000);
  config.Finish();

  auto store =
      accord::storage::Store::Open({.path = flags.data_dir,
                                    .service = "risk",
                                    .column_families = accord::risk::Risks::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store",
        {{"path", flags.data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::clients::RegistryPartnershipLookup lookup(registry_address,
                                                    absl::Milliseconds(registry_deadline_ms));
  accord::risk::Risks risks(store->get(), &lookup, default_protocol);
  accord::risk::RiskServiceImpl service(&risks);

  auto follower = accord::storage::FollowPeerFeed<accord::assessment::v1::AssessmentService>(
      "assessment", store->get(), assessment_address,
      [&risks](const accord::events::v1::Event& event) { return risks.FollowAssessment(event); });
  follower->Start();
  // Each partnership's state and tier come from the register's feed (lifecycle/).
  auto register_follower = accord::storage::FollowPeerFeed<accord::registry::v1::RegistryService>(
      "registry", store->get(), registry_address,
      [&risks](const accord::events::v1::Event& event) { return risks.FollowRegister(event); });
  register_follower->Start();

  return accord::server::RunService(flags, store->get(), {&service}, [&] {
    follower->Stop();
    register_follower->Stop();
    service.CloseStreams();
  });
}
