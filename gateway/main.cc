// accord-gateway: REST/JSON and gRPC front door for Accord's services.
//
// REST routes come from the google.api.http options of the proxied services' descriptors;
// gRPC calls are relayed unchanged. transcoder/ holds the mapping, http/ the REST port,
// grpc/ the pass-through and auth/ the seam for authentication.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/integrations/v1/integrations_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "accord/gateway/v1/audit_service.grpc.pb.h"
#include "accord/gateway/v1/officer_service.grpc.pb.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/server/tls.h"
#include "common/server/operations_service.h"
#include "common/storage/store.h"
#include "common/telemetry/log.h"
#include "gateway/admin/admin_service.h"
#include "gateway/auth/keys_file.h"
#include "gateway/audit/audit_log.h"
#include "gateway/audit/audit_service.h"
#include "gateway/auth/authorizer.h"
#include "gateway/auth/gateway_authorizer.h"
#include "gateway/auth/key_registry.h"
#include "gateway/auth/rate_limiter.h"
#include "gateway/directory/officer_directory.h"
#include "gateway/directory/officer_service.h"
#include "gateway/backend/backend_table.h"
#include "gateway/grpc/grpc_proxy.h"
#include "gateway/http/rest_handler.h"
#include "gateway/http/rest_server.h"
#include "gateway/openapi/openapi.h"
#include "proto/documented_descriptors.h"
#include "gateway/transcoder/route_table.h"
#include "gateway/web/web_pages.h"
#include "google/protobuf/descriptor.h"
#include "grpc/grpc.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"

namespace {

using accord::telemetry::Log;

// Linking gRPC's reflection library registers reflection with every ServerBuilder of the
// process; on the public port it would describe every linked contract, the key admin API
// included, to anyone and without a key. This option takes it off a builder.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
      return absl::StrContains(plugin->name(), "reflection");
    });
  }
};

// `service_full_name`, after naming a message from the same .proto file: that reference
// is what makes the linker keep the file's descriptors (the service's included) in the
// generated pool, where the route table looks for them.
std::string LinkedService(const google::protobuf::Descriptor* message_in_file,
                          const char* service_full_name) {
  return message_in_file != nullptr ? service_full_name : "";
}

int Run(int argc, char** argv) {
  accord::server::BlockTerminationSignals();
  accord::telemetry::SetLogService("gateway");

  accord::server::Config config(argc, argv);
  std::string host = config.String("host", "ACCORD_HOST", "127.0.0.1", "address to listen on");
  int http_port = static_cast<int>(config.Int("http_port", "ACCORD_HTTP_PORT", 8080,
                                              "REST port; 0 lets the kernel pick", 0, 65535));
  int grpc_port = static_cast<int>(config.Int("grpc_port", "ACCORD_GATEWAY_GRPC_PORT", 8081,
                                              "gRPC port; 0 lets the kernel pick", 0, 65535));
  std::string http_port_file = config.String("http_port_file", "ACCORD_HTTP_PORT_FILE", "",
                                             "file to write the chosen REST port to");
  std::string grpc_port_file = config.String("grpc_port_file", "ACCORD_GATEWAY_GRPC_PORT_FILE",
                                             "", "file to write the chosen gRPC port to");
  // One entry per proxied service: its full name and the flag saying where it is served.
  namespace registry = accord::registry::v1;
  namespace assessment = accord::assessment::v1;
  namespace risk = accord::risk::v1;
  std::vector<accord::gateway::BackendService> backends = {
      {LinkedService(registry::GetPartnershipRequest::descriptor(),
                     registry::RegistryService::service_full_name()),
       config.String("registry_address", "ACCORD_REGISTRY_ADDRESS", "",
                     "host:port of the register service", /*required=*/true)},
      {LinkedService(assessment::GetProtocolRequest::descriptor(),
                     assessment::AssessmentService::service_full_name()),
       config.String("assessment_address", "ACCORD_ASSESSMENT_ADDRESS", "",
                     "host:port of the assessment service", /*required=*/true)},
      {LinkedService(risk::GetRiskRequest::descriptor(), risk::RiskService::service_full_name()),
       config.String("risk_address", "ACCORD_RISK_ADDRESS", "", "host:port of the risk service",
                     /*required=*/true)},
  };
  // Reviews (schedules, reviews, exit, compliance, annual report) are optional likewise.
  std::string review_address =
      config.String("review_address", "ACCORD_REVIEW_ADDRESS", "",
                    "host:port of the review service; empty: not served");
  if (!review_address.empty()) {
    namespace review = accord::review::v1;
    backends.push_back({LinkedService(review::GetScheduleRequest::descriptor(),
                                      review::ReviewService::service_full_name()),
                        review_address});
  }
  // Integrations (merged change feed, webhooks) is optional: without it those routes are absent.
  std::string integrations_address =
      config.String("integrations_address", "ACCORD_INTEGRATIONS_ADDRESS", "",
                    "host:port of the integrations service; empty: not served");
  if (!integrations_address.empty()) {
    namespace integrations = accord::integrations::v1;
    backends.push_back({LinkedService(integrations::ListChangesRequest::descriptor(),
                                      integrations::IntegrationsService::service_full_name()),
                        integrations_address});
  }
  int64_t max_body_bytes = config.Int("max_body_bytes", "ACCORD_MAX_BODY_BYTES", 1 << 20,
                                      "largest REST request body accepted", 1, 1LL << 30);
  int64_t backend_deadline_ms =
      config.Int("backend_deadline_ms", "ACCORD_BACKEND_DEADLINE_MS", 10000,
                 "deadline of a backend call (REST, and gRPC calls that set none)", 1,
                 3600 * 1000);
  int threads = static_cast<int>(config.Int("threads", "ACCORD_GATEWAY_THREADS", 2,
                                            "REST I/O threads", 1, 256));
  int64_t grace_ms = config.Int("grace_ms", "ACCORD_GRACE_MS", 10000,
                                "how long in-flight requests may finish after SIGTERM", 0,
                                3600 * 1000);
  std::string data_dir = config.String("data_dir", "ACCORD_GATEWAY_DATA_DIR", "",
                                       "folder of the gateway's RocksDB store (API keys, "
                                       "officer directory, audit trail)",
                                       /*required=*/true);
  std::string admin_address = config.String(
      "admin_address", "ACCORD_GATEWAY_ADMIN_ADDRESS", "",
      "where accord-admin and accordctl reach keys and backups: unix:/path or 127.0.0.1:port; "
      "default unix:<data_dir>/admin.sock");
  std::string api_keys_file = config.String(
      "api_keys_file", "ACCORD_API_KEYS_FILE", "",
      "a file of API key hashes (accord-admin keys hash), besides the keys in the store; for "
      "deployments that keep them in a Secret");
  std::string backup_dir = config.String(
      "backup_dir", "ACCORD_GATEWAY_BACKUP_DIR", "",
      "folder for online backups of the gateway's store (accordctl backup); empty: refused");
  int64_t rate_per_second = config.Int("rate_limit_per_second", "ACCORD_RATE_LIMIT_PER_SECOND",
                                       50, "calls per second each API key may make; 0: no limit",
                                       0, 1000000);
  int64_t rate_burst = config.Int("rate_limit_burst", "ACCORD_RATE_LIMIT_BURST", 100,
                                  "calls an API key may make at once before the rate applies", 1,
                                  1000000);
  int64_t max_message_bytes =
      config.Int("max_message_bytes", "ACCORD_MAX_MESSAGE_BYTES", 1 << 20,
                 "largest gRPC request message accepted on the gateway's gRPC port", 1, 1 << 30);
  int64_t record_lookup_ms = config.Int(
      "record_lookup_deadline_ms", "ACCORD_RECORD_LOOKUP_DEADLINE_MS", 2000,
      "deadline of the register lookup behind an officer's per-record check", 1, 60000);
  bool web_secure_cookies = config.Bool(
      "web_secure_cookies", "ACCORD_WEB_SECURE_COOKIES", false,
      "mark the keeper dashboard's session cookie Secure even without X-Forwarded-Proto: https");
  bool public_reflection = config.Bool(
      "public_reflection", "ACCORD_GATEWAY_PUBLIC_REFLECTION", false,
      "serve gRPC server reflection on the public gRPC port (off: it describes every contract "
      "to callers without a key)");
  accord::server::TlsFiles tls = accord::server::ReadTlsFlags(config);
  config.Finish();
  if (admin_address.empty()) admin_address = accord::server::DefaultAdminAddress(data_dir);

  std::vector<std::string> services;
  for (const auto& backend : backends) services.push_back(backend.service);
  services.push_back(LinkedService(accord::gateway::v1::CreateOfficerRequest::descriptor(),
                                   accord::gateway::v1::OfficerService::service_full_name()));
  services.push_back(LinkedService(accord::gateway::v1::ListAuditEntriesRequest::descriptor(),
                                   accord::gateway::v1::AuditService::service_full_name()));
  absl::StatusOr<accord::gateway::RouteTable> routes = accord::gateway::RouteTable::FromServices(
      services, *google::protobuf::DescriptorPool::generated_pool());
  if (!routes.ok()) {
    Log("error", "cannot build REST routes", {{"error", routes.status().ToString()}});
    return 1;
  }
  for (const accord::gateway::Route& route : routes->routes()) {
    Log("debug", "route", {{"route", route.Label()}, {"method", route.GrpcPath()}});
  }

  // The gateway's own store: API keys, the officer directory and the audit trail.
  std::vector<std::string> families = accord::gateway::KeyRegistry::ColumnFamilies();
  for (auto* more : {accord::gateway::OfficerDirectory::ColumnFamilies,
                     accord::gateway::AuditLog::ColumnFamilies}) {
    for (std::string& family : more()) families.push_back(std::move(family));
  }
  auto store = accord::storage::Store::Open(
      {.path = data_dir, .service = "gateway", .column_families = families});
  if (!store.ok()) {
    Log("fatal", "cannot open store", {{"path", data_dir}, {"error", store.status().ToString()}});
    return 1;
  }
  std::vector<accord::gateway::v1::ApiKey> file_keys;
  if (!api_keys_file.empty()) {
    std::ifstream in(api_keys_file);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<std::vector<accord::gateway::v1::ApiKey>> parsed =
        accord::gateway::ParseKeysFile(text.str());
    if (!in || !parsed.ok()) {
      Log("fatal", "cannot read --api_keys_file",
          {{"path", api_keys_file},
           {"error", in ? std::string(parsed.status().message()) : "cannot open"}});
      return 2;
    }
    file_keys = *std::move(parsed);
  }
  auto keys = accord::gateway::KeyRegistry::Open(store->get(), file_keys);
  auto officers = accord::gateway::OfficerDirectory::Open(store->get());
  auto audit = accord::gateway::AuditLog::Open(store->get());
  for (const absl::Status& opened : {keys.status(), officers.status(), audit.status()}) {
    if (!opened.ok()) {
      Log("fatal", "cannot load the gateway's store", {{"error", opened.ToString()}});
      return 1;
    }
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> backend_credentials =
      accord::server::ChannelCredentialsFor(tls);
  if (!backend_credentials.ok()) {
    Log("fatal", "cannot load TLS files", {{"error", backend_credentials.status().ToString()}});
    return 1;
  }

  // Services the gateway serves itself, on an in-process server with no port: the only way
  // in is through the proxy and the REST handler, hence through the Authorizer.
  accord::gateway::OfficerServiceImpl officer_service(officers->get());
  accord::gateway::AuditServiceImpl audit_service(audit->get());
  grpc::ServerBuilder local_builder;
  local_builder.RegisterService(&officer_service);
  local_builder.RegisterService(&audit_service);
  std::unique_ptr<grpc::Server> local_server = local_builder.BuildAndStart();
  std::shared_ptr<grpc::Channel> local_channel = local_server->InProcessChannel({});
  std::map<std::string, std::shared_ptr<grpc::Channel>> local = {
      {accord::gateway::v1::OfficerService::service_full_name(), local_channel},
      {accord::gateway::v1::AuditService::service_full_name(), local_channel}};

  accord::gateway::BackendTable backend_table(backends, local, *backend_credentials);
  std::shared_ptr<grpc::Channel> registry_channel =
      grpc::CreateChannel(backends[0].address, *backend_credentials);
  auto registry_stub = registry::RegistryService::NewStub(registry_channel);
  accord::gateway::RateLimiter limiter(static_cast<double>(rate_per_second),
                                       static_cast<double>(rate_burst));
  accord::gateway::GatewayAuthorizer authorizer(
      keys->get(), officers->get(), &limiter, audit->get(),
      [&registry_stub, record_lookup_ms](const std::string& partnership)
          -> absl::StatusOr<std::string> {
        registry::GetPartnershipRequest get;
        get.set_name(partnership);
        registry::Partnership found;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(record_lookup_ms));
        grpc::Status status = registry_stub->GetPartnership(&ctx, get, &found);
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
          return absl::NotFoundError(partnership);
        }
        if (!status.ok()) {
          return absl::UnavailableError(
              absl::StrCat("the register did not answer about ", partnership));
        }
        return found.lead_service();
      });
  accord::gateway::RestHandler handler(&*routes, &backend_table, &authorizer,
                                       absl::Milliseconds(backend_deadline_ms));
  auto openapi =
      accord::gateway::BuildOpenApi(*routes, accord::proto::DocumentedDescriptorSet());
  if (!openapi.ok()) {
    Log("error", "cannot build the OpenAPI document", {{"error", openapi.status().ToString()}});
    return 1;
  }
  handler.SetOpenApi(*std::move(openapi));
  // The public register's pages and the keeper's dashboard (docs/public-register.md).
  accord::gateway::web::WebPages web_pages(&handler, &authorizer, &backend_table,
                                           {.secure_cookies = web_secure_cookies});
  handler.SetPageHandler(&web_pages);

  // Key administration and backups: a separate server on a local address only (accord-admin,
  // accordctl).
  accord::gateway::AdminServiceImpl admin_service(keys->get());
  accord::server::OperationsServiceImpl operations(store->get(), backup_dir);
  std::unique_ptr<grpc::Server> admin_server =
      accord::server::StartAdminServer(admin_address, {&admin_service, &operations});
  if (!admin_server) return 1;

  // gRPC: health is a registered service, so the generic proxy (which catches every
  // method nothing else handles) never sees health checks.
  grpc::EnableDefaultHealthCheckService(true);
  accord::gateway::GrpcProxyService proxy(&backend_table, &authorizer,
                                          absl::Milliseconds(backend_deadline_ms));
  grpc::ServerBuilder builder;
  int chosen_grpc_port = 0;
  builder.AddListeningPort(absl::StrCat(host, ":", grpc_port), grpc::InsecureServerCredentials(),
                           &chosen_grpc_port);
  builder.RegisterCallbackGenericService(&proxy);
  if (!public_reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.SetMaxReceiveMessageSize(static_cast<int>(max_message_bytes));
  builder.experimental().SetInterceptorCreators(accord::server::CallLoggingInterceptors());
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  if (!grpc_server || chosen_grpc_port == 0) {
    Log("error", "cannot listen for gRPC", {{"address", absl::StrCat(host, ":", grpc_port)}});
    return 1;
  }
  for (const std::string& service : services) {
    grpc_server->GetHealthCheckService()->SetServingStatus(service, true);
  }

  accord::gateway::RestServerOptions rest_options;
  rest_options.host = host;
  rest_options.port = http_port;
  rest_options.max_body_bytes = static_cast<size_t>(max_body_bytes);
  rest_options.threads = threads;
  absl::StatusOr<std::unique_ptr<accord::gateway::RestServer>> rest =
      accord::gateway::RestServer::Start(rest_options, &handler);
  if (!rest.ok()) {
    Log("error", "cannot listen for REST", {{"error", rest.status().ToString()}});
    grpc_server->Shutdown();
    return 1;
  }

  accord::server::WritePortFile(http_port_file, (*rest)->port());
  accord::server::WritePortFile(grpc_port_file, chosen_grpc_port);
  Log("info", "serving",
      {{"http_port", std::to_string((*rest)->port())},
       {"grpc_port", std::to_string(chosen_grpc_port)},
       {"routes", std::to_string(routes->routes().size())},
       {"admin_address", admin_address}});

  int signal = accord::server::WaitForTerminationSignal();
  Log("info", "draining", {{"signal", std::to_string(signal)}});
  grpc_server->GetHealthCheckService()->Shutdown();
  handler.SetServing(false);
  absl::Duration grace = absl::Milliseconds(grace_ms);
  absl::Time deadline = absl::Now() + grace;
  // Both ports drain at once, so the whole stop takes one grace period, not two.
  std::atomic<bool> grpc_stopping{false};
  std::thread grpc_drain([&] {
    grpc_stopping = true;
    grpc_server->Shutdown(absl::ToChronoTime(deadline));
    grpc_server->Wait();
  });
  (*rest)->Shutdown(grace);
  // gRPC leaves a call that reaches the port as the stop begins without a handler until the
  // deadline, then cancels it. Once no relayed call is in progress (and later ones are
  // refused), such calls can only be those, so they are cancelled at once instead.
  // Streams (change feeds) would otherwise hold the stop for the whole grace period.
  while ((!grpc_stopping || !proxy.CloseIfIdle()) && absl::Now() < deadline) {
    proxy.EndStreams();
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (absl::Now() < deadline) grpc_server_cancel_all_calls(grpc_server->c_server());
  grpc_drain.join();
  admin_server->Shutdown(std::chrono::system_clock::now());
  local_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  Log("info", "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
