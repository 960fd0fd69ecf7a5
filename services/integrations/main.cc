// accord-integrations: one change feed across every service, and signed webhooks, for the
// council's other systems (reached through the gateway).
#include <memory>
#include <vector>

#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/service_main.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "services/integrations/change_feed.h"
#include "services/integrations/http_poster.h"
#include "services/integrations/integrations_service.h"
#include "services/integrations/subscriptions.h"
#include "services/integrations/webhook_dispatcher.h"

int main(int argc, char** argv) {
  using accord::telemetry::Log;
  namespace integrations = accord::integrations;
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("integrations");
  accord::server::Config config(argc, argv);
  accord::server::ServiceFlags flags = accord::server::ReadServiceFlags(config, "integrations");
  std::string registry_address =
      config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                    "the register service whose feed is merged (host:port, or @port_file)", true);
  std::string assessment_address =
      config.String("assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
                    "the assessment service whose feed is merged", true);
  std::string risk_address = config.String("risk_address", "ACCORD_RISK_ADDRESS", "",
                                           "the risk service whose feed is merged", true);
  std::string review_address =
      config.String("review_address", "ACCORD_REVIEW_ADDRESS", "",
                    "the review service whose feed is merged; empty: not merged");
  integrations::DeliveryOptions delivery;
  delivery.threads = static_cast<int>(config.Int(
      "webhook_threads", "ACCORD_WEBHOOK_THREADS", 4, "webhook delivery threads", 1, 64));
  delivery.first_backoff = absl::Milliseconds(
      config.Int("webhook_first_backoff_ms", "ACCORD_WEBHOOK_FIRST_BACKOFF_MS", 500,
                 "wait before the first retry; doubles per attempt", 1, 3600000));
  delivery.max_backoff = absl::Milliseconds(
      config.Int("webhook_max_backoff_ms", "ACCORD_WEBHOOK_MAX_BACKOFF_MS", 60000,
                 "longest wait between attempts", 1, 86400000));
  delivery.max_attempts = static_cast<int>(
      config.Int("webhook_max_attempts", "ACCORD_WEBHOOK_MAX_ATTEMPTS", 10,
                 "attempts before a change is dead-lettered", 1, 1000));
  delivery.timeout = absl::Milliseconds(
      config.Int("webhook_timeout_ms", "ACCORD_WEBHOOK_TIMEOUT_MS", 10000,
                 "time limit of one delivery attempt", 1, 600000));
  std::string ca_file = config.String("webhook_ca_file", "ACCORD_WEBHOOK_CA_FILE", "",
                                      "PEM CAs trusted for https webhooks; empty: the system's");
  config.Finish();

  auto store = accord::storage::Store::Open(
      {.path = flags.data_dir,
       .service = "integrations",
       .column_families = integrations::Subscriptions::ColumnFamilies()});
  if (!store.ok()) {
    Log("fatal", "cannot open store",
        {{"path", flags.data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  integrations::ChangeFeed feed(store->get());
  integrations::Subscriptions subscriptions(&feed);
  integrations::HttpPoster poster(ca_file);
  integrations::WebhookDispatcher dispatcher(&feed, &subscriptions, &poster, delivery);
  subscriptions.SetListener([&dispatcher](const std::string& id) { dispatcher.Notify(id); });
  integrations::IntegrationsServiceImpl service(&feed, &subscriptions);

  auto append = [&feed](const char* source) {
    return [&feed, source](const accord::events::v1::Event& event) {
      return feed.Append(source, event);
    };
  };
  std::vector<std::unique_ptr<accord::storage::FeedFollower>> followers;
  followers.push_back(accord::storage::FollowPeerFeed<accord::registry::v1::RegistryService>(
      "registry", store->get(), registry_address, append("registry")));
  followers.push_back(accord::storage::FollowPeerFeed<accord::assessment::v1::AssessmentService>(
      "assessment", store->get(), assessment_address, append("assessment")));
  followers.push_back(accord::storage::FollowPeerFeed<accord::risk::v1::RiskService>(
      "risk", store->get(), risk_address, append("risk")));
  if (!review_address.empty()) {
    followers.push_back(accord::storage::FollowPeerFeed<accord::review::v1::ReviewService>(
        "review", store->get(), review_address, append("review")));
  }
  for (auto& follower : followers) follower->Start();
  dispatcher.Start();

  return accord::server::RunService(flags, store->get(), {&service}, [&] {
    for (auto& follower : followers) follower->Stop();
    dispatcher.Stop();
    service.CloseStreams();
  });
}
