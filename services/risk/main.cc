// accord-risk: partnership risk registers and escalation to the corporate risk register.
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "common/clients/partnership_lookup.h"
#include "common/server/address.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
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
  std::string data_dir = config.String("data_dir", "ACCORD_RISK_DATA_DIR", "",
                                       "folder of the risk service's RocksDB store", true);
  std::string host = config.String("host", "ACCORD_HOST", "127.0.0.1", "address to listen on");
  int64_t port = config.Int("grpc_port", "ACCORD_RISK_GRPC_PORT", 0,
                            "gRPC port; 0 lets the kernel pick", 0, 65535);
  std::string port_file = config.String("port_file", "ACCORD_RISK_PORT_FILE", "",
                                        "write the chosen gRPC port here");
  int64_t metrics_port = config.Int("metrics_port", "ACCORD_RISK_METRICS_PORT", 0,
                                    "Prometheus /metrics port; 0 lets the kernel pick; -1 off",
                                    -1, 65535);
  std::string registry_address =
      config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                    "the register service (host:port, or @port_file)", true);
  std::string assessment_address =
      config.String("assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
                    "the assessment service whose feed gives tiers and protocols", true);
  std::string default_protocol =
      config.String("default_protocol", "ACCORD_DEFAULT_PROTOCOL", "protocols/bolsover",
                    "protocol whose matrix rates risks of partnerships not yet assessed");
  int64_t registry_deadline_ms =
      config.Int("registry_deadline_ms", "ACCORD_REGISTRY_DEADLINE_MS", 2000,
                 "deadline of calls to the register", 1, 600000);
  int64_t grace_ms = config.Int("grace_ms", "ACCORD_GRACE_MS", 10000,
                                "how long SIGTERM waits for calls in flight", 0, 600000);
  config.Finish();

  auto store = accord::storage::Store::Open({.path = data_dir,
                                             .service = "risk",
                                             .schema_version = 1,
                                             .column_families = accord::risk::Risks::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store", {{"path", data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::clients::RegistryPartnershipLookup lookup(registry_address,
                                                    absl::Milliseconds(registry_deadline_ms));
  accord::risk::Risks risks(store->get(), &lookup, default_protocol);
  accord::risk::RiskServiceImpl service(&risks);

  auto channel = std::make_shared<accord::server::PeerChannel>(assessment_address);
  accord::storage::FeedFollower follower(
      "assessment", store->get(),
      [channel](grpc::ClientContext* ctx, const accord::events::v1::StreamEventsRequest& request)
          -> std::unique_ptr<grpc::ClientReaderInterface<accord::events::v1::Event>> {
        std::shared_ptr<grpc::Channel> peer = channel->Get();
        if (peer == nullptr) return nullptr;
        return accord::assessment::v1::AssessmentService::NewStub(peer)->StreamEvents(ctx,
                                                                                     request);
      },
      [&risks](const accord::events::v1::Event& event) { return risks.FollowAssessment(event); });
  follower.Start();

  std::unique_ptr<accord::telemetry::MetricsHttpServer> metrics;
  if (metrics_port >= 0) {
    metrics = accord::telemetry::MetricsHttpServer::Start(host, static_cast<int>(metrics_port));
    if (!metrics) return 1;
    Log("info", "metrics", {{"port", std::to_string(metrics->port())}});
  }
  return accord::server::ServeUntilSignalled({.service_name = "risk",
                                              .listen_address = host + ":" + std::to_string(port),
                                              .port_file = port_file,
                                              .grace = absl::Milliseconds(grace_ms),
                                              .credentials = nullptr},
                                             {&service}, [&] {
                                               follower.Stop();
                                               service.CloseStreams();
                                             });
}
