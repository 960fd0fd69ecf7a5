// accord-gateway: REST/JSON and gRPC front door for Accord's services.
//
// REST routes come from the google.api.http options of the proxied services' descriptors;
// gRPC calls are relayed unchanged. transcoder/ holds the mapping, http/ the REST port,
// grpc/ the pass-through and auth/ the seam for authentication.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "common/server/config.h"
#include "common/server/grpc_server.h"
#include "common/telemetry/log.h"
#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "gateway/grpc/grpc_proxy.h"
#include "gateway/http/rest_handler.h"
#include "gateway/http/rest_server.h"
#include "gateway/transcoder/route_table.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"

namespace {

using accord::telemetry::Log;

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
  int64_t max_body_bytes = config.Int("max_body_bytes", "ACCORD_MAX_BODY_BYTES", 1 << 20,
                                      "largest REST request body accepted", 1, 1LL << 30);
  int64_t backend_deadline_ms =
      config.Int("backend_deadline_ms", "ACCORD_BACKEND_DEADLINE_MS", 10000,
                 "deadline of a REST request's backend call", 1, 3600 * 1000);
  int threads = static_cast<int>(config.Int("threads", "ACCORD_GATEWAY_THREADS", 2,
                                            "REST I/O threads", 1, 256));
  int64_t grace_ms = config.Int("grace_ms", "ACCORD_GRACE_MS", 10000,
                                "how long in-flight requests may finish after SIGTERM", 0,
                                3600 * 1000);
  config.Finish();

  std::vector<std::string> services;
  for (const auto& backend : backends) services.push_back(backend.service);
  absl::StatusOr<accord::gateway::RouteTable> routes = accord::gateway::RouteTable::FromServices(
      services, *google::protobuf::DescriptorPool::generated_pool());
  if (!routes.ok()) {
    Log("error", "cannot build REST routes", {{"error", routes.status().ToString()}});
    return 1;
  }
  for (const accord::gateway::Route& route : routes->routes()) {
    Log("debug", "route", {{"route", route.Label()}, {"method", route.GrpcPath()}});
  }

  accord::gateway::BackendTable backend_table(backends);
  // The auth seam: replace with the real Authorizer when authentication lands.
  accord::gateway::AllowAllAuthorizer authorizer;
  accord::gateway::RestHandler handler(&*routes, &backend_table, &authorizer,
                                       absl::Milliseconds(backend_deadline_ms));

  // gRPC: health is a registered service, so the generic proxy (which catches every
  // method nothing else handles) never sees health checks.
  grpc::EnableDefaultHealthCheckService(true);
  accord::gateway::GrpcProxyService proxy(&backend_table, &authorizer);
  grpc::ServerBuilder builder;
  int chosen_grpc_port = 0;
  builder.AddListeningPort(absl::StrCat(host, ":", grpc_port), grpc::InsecureServerCredentials(),
                           &chosen_grpc_port);
  builder.RegisterCallbackGenericService(&proxy);
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
       {"routes", std::to_string(routes->routes().size())}});

  int signal = accord::server::WaitForTerminationSignal();
  Log("info", "draining", {{"signal", std::to_string(signal)}});
  grpc_server->GetHealthCheckService()->Shutdown();
  handler.SetServing(false);
  absl::Duration grace = absl::Milliseconds(grace_ms);
  // Both ports drain at once, so the whole stop takes one grace period, not two.
  std::thread grpc_drain([&] {
    grpc_server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
    grpc_server->Wait();
  });
  (*rest)->Shutdown(grace);
  grpc_drain.join();
  Log("info", "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
