// accord-assessment: protocols, screening, significance scoring, evaluations and sign-off.
#include <algorithm>
#include <filesystem>

#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/service_main.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "services/assessment/assessment_service.h"
#include "common/storage/feed_follower.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "services/assessment/assessments.h"
#include "services/assessment/domain/protocol_rules.h"

int main(int argc, char** argv) {
  using accord::telemetry::Log;
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("assessment");
  accord::server::Config config(argc, argv);
  accord::server::ServiceFlags flags = accord::server::ReadServiceFlags(config, "assessment");
  std::string registry_address =
      config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                    "the register service, whose feed gives each partnership's state (host:port, or @port_file)", true);
  std::string protocols_dir = config.String("protocols_dir", "ACCORD_PROTOCOLS_DIR", "",
                                            "folder of protocol files (*.textproto)", true);
  std::string default_protocol =
      config.String("default_protocol", "ACCORD_DEFAULT_PROTOCOL", "protocols/bolsover",
                    "protocol used when an assessment names none");
  int64_t registry_deadline_ms = config.Int("registry_deadline_ms", "ACCORD_REGISTRY_DEADLINE_MS",
                                            2000, "deadline of calls to the register", 1, 600000);
  config.Finish();

  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(protocols_dir, ec)) {
    if (entry.path().extension() == ".textproto") files.push_back(entry.path().string());
  }
  if (ec || files.empty()) {
    Log("fatal", "no protocol files", {{"protocols_dir", protocols_dir}});
    return 1;
  }
  std::sort(files.begin(), files.end());
  std::vector<accord::assessment::v1::Protocol> protocols;
  for (const std::string& file : files) {
    auto protocol = accord::assessment::LoadProtocolFile(file);
    if (!protocol.ok()) {
      Log("fatal", "bad protocol file", {{"file", file}, {"error", protocol.status().ToString()}});
      return 1;
    }
    protocols.push_back(*std::move(protocol));
  }

  auto store = accord::storage::Store::Open(
      {.path = flags.data_dir,
       .service = "assessment",
       .column_families = accord::assessment::Assessments::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store",
        {{"path", flags.data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::clients::RegistryPartnershipLookup lookup(registry_address,
                                                    absl::Milliseconds(registry_deadline_ms));
  accord::assessment::Assessments assessments(store->get(), &lookup, default_protocol);
  if (absl::Status loaded = assessments.LoadProtocols(protocols); !loaded.ok()) {
    Log("fatal", "cannot load protocols", {{"error", loaded.ToString()}});
    return 1;
  }
  accord::assessment::v1::GetProtocolRequest default_request;
  default_request.set_name(default_protocol);
  if (auto found = assessments.GetProtocol(default_request); !found.ok()) {
    Log("fatal", "default protocol not loaded",
        {{"default_protocol", default_protocol}, {"error", found.status().ToString()}});
    return 1;
  }
  accord::assessment::AssessmentServiceImpl service(&assessments);

  // The partnership's life cycle comes from the register's feed (ARCHITECTURE.md decision 9).
  auto follower = accord::storage::FollowPeerFeed<accord::registry::v1::RegistryService>(
      "registry", store->get(), registry_address,
      [&assessments](const accord::events::v1::Event& event) {
        return assessments.FollowRegister(event);
      });
  follower->Start();

  return accord::server::RunService(flags, store->get(), {&service}, [&] {
    follower->Stop();
    service.CloseStreams();
  });
}
