#include "common/server/grpc_server.h"

#include <signal.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"

namespace accord::server {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

const char* CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return index >= 0 && index <= 16 ? kNames[index] : "UNKNOWN";
}

class CallLogger : public grpc::experimental::Interceptor {
 public:
  explicit CallLogger(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      if (auto it = metadata->find("x-request-id"); it != metadata->end()) {
        request_id_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
      const char* code = CodeName(status.error_code());
      telemetry::Metrics::Global().RecordCall(method_, code, seconds);
      telemetry::LogFields fields = {{"method", method_},
                                     {"code", code},
                                     {"latency_ms", absl::StrCat(seconds * 1000)}};
      if (!request_id_.empty()) fields.push_back({"request_id", request_id_});
      if (!status.ok()) fields.push_back({"error", status.error_message()});
      telemetry::Log(status.ok() ? "info" : "warn", "call", fields);
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::string request_id_;
  absl::Time start_;
};

class CallLoggerFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallLogger(info);
  }
};

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
  }
  std::rename(tmp.c_str(), path.c_str());
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
CallLoggingInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<CallLoggerFactory>());
  return out;
}

int ServeUntilSignalled(const GrpcServerOptions& options,
                        const std::vector<grpc::Service*>& services,
                        const std::function<void()>& before_drain) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           options.credentials ? options.credentials
                                               : grpc::InsecureServerCredentials(),
                           &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  // Accept the peers' keepalive pings (common/server/address.cc pings every 30 s).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.experimental().SetInterceptorCreators(CallLoggingInterceptors());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    telemetry::Log("error", "cannot listen", {{"address", options.listen_address}});
    return 1;
  }
  WritePortFile(options.port_file, port);
  telemetry::Log("info", "serving", {{"grpc_port", std::to_string(port)}});

  int signal = WaitForTerminationSignal();
  telemetry::Log("info", "draining", {{"signal", std::to_string(signal)}});
  // Shutdown() of the health service marks every service NOT_SERVING, so load balancers
  // and probes stop sending new calls while the ones in flight finish.
  server->GetHealthCheckService()->Shutdown();
  if (before_drain) before_drain();
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoMicroseconds(options.grace));
  server->Wait();
  telemetry::Log("info", "stopped");
  return 0;
}

}  // namespace accord::server
