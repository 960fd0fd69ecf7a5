// accord-registry: the Partnerships Register service.
#include <cstdlib>

#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "common/server/address.h"
#include "common/server/config.h"
#include "common/storage/feed_follower.h"
#include "common/server/grpc_server.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"

int main(int argc, char** argv) {
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("registry");
  accord::server::Config config(argc, argv);
  std::string data_dir = config.String("data_dir", "ACCORD_REGISTRY_DATA_DIR", "",
                                       "folder of the register's RocksDB store", true);
  std::string host = config.String("host", "ACCORD_HOST", "127.0.0.1", "address to listen on");
  int64_t port = config.Int("grpc_port", "ACCORD_REGISTRY_GRPC_PORT", 0,
                            "gRPC port; 0 lets the kernel pick", 0, 65535);
  std::string port_file = config.String("port_file", "ACCORD_REGISTRY_PORT_FILE", "",
                                        "write the chosen gRPC port here");
  int64_t metrics_port = config.Int("metrics_port", "ACCORD_REGISTRY_METRICS_PORT", 0,
                                    "Prometheus /metrics port; 0 lets the kernel pick; -1 off",
                                    -1, 65535);
  int64_t grace_ms = config.Int("grace_ms", "ACCORD_GRACE_MS", 10000,
                                "how long SIGTERM waits for calls in flight", 0, 600000);
  std::string assessment_address = config.String(
      "assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
      "the assessment service to follow (host:port, or @port_file); empty: follow nothing");
  config.Finish();

  auto store = accord::storage::Store::Open({.path = data_dir,
                                             .service = "registry",
                                             .schema_version = 1,
                                             .column_families =
                                                 accord::registry::Registry::ColumnFamilies()});
  if (!store.ok()) {
    accord::telemetry::Log("fatal", "cannot open store",
                           {{"path", data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  accord::registry::Registry registry(store->get());
  accord::registry::RegistryServiceImpl service(&registry);

  // Status and tier follow the assessment service's change feed.
  std::unique_ptr<accord::storage::FeedFollower> follower;
  if (!assessment_address.empty()) {
    auto channel = std::make_shared<accord::server::PeerChannel>(assessment_address);
    follower = std::make_unique<accord::storage::FeedFollower>(
        "assessment", store->get(),
        [channel](grpc::ClientContext* ctx, const accord::events::v1::StreamEventsRequest& request)
            -> std::unique_ptr<grpc::ClientReaderInterface<accord::events::v1::Event>> {
          std::shared_ptr<grpc::Channel> peer = channel->Get();
          if (peer == nullptr) return nullptr;
          return accord::assessment::v1::AssessmentService::NewStub(peer)->StreamEvents(ctx,
                                                                                       request);
        },
        [&registry](const accord::events::v1::Event& event) {
          return registry.FollowAssessment(event);
        });
    follower->Start();
  }

  std::unique_ptr<accord::telemetry::MetricsHttpServer> metrics;
  if (metrics_port >= 0) {
    metrics = accord::telemetry::MetricsHttpServer::Start(host, static_cast<int>(metrics_port));
    if (!metrics) return 1;
    accord::telemetry::Log("info", "metrics", {{"port", std::to_string(metrics->port())}});
  }
  return accord::server::ServeUntilSignalled(
      {.service_name = "registry",
       .listen_address = host + ":" + std::to_string(port),
       .port_file = port_file,
       .grace = absl::Milliseconds(grace_ms),
       .credentials = nullptr},
      {&service}, [&] {
        if (follower) follower->Stop();
        service.CloseStreams();
      });
}
