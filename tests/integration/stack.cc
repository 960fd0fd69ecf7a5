#include "tests/integration/stack.h"

#include <cstdio>
#include <thread>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "accord/ops/v1/operations_service.grpc.pb.h"
#include "grpcpp/support/client_interceptor.h"
#include "tests/integration/http_client.h"

namespace accord::testing {

bool Stack::StartRegistry() {
  const std::string& d = dir_.path();
  std::filesystem::remove(d + "/registry.port");
  registry_ = std::make_unique<Process>(
      ACCORD_REGISTRY_BIN,
      std::vector<std::string>{"--data_dir=" + d + "/registry", "--grpc_port=0",
                               "--metrics_port=-1", "--port_file=" + d + "/registry.port",
                               "--assessment_address=@" + d + "/assessment.port",
                               "--grace_ms=5000"},
      d + "/registry.log");
  registry_port_ = WaitForPortFile(d + "/registry.port");
  if (registry_port_ == 0) error_ = "registry did not start: " + Tail(d + "/registry.log");
  return registry_port_ != 0;
}

bool Stack::StartAssessment() {
  const std::string& d = dir_.path();
  std::filesystem::remove(d + "/assessment.port");
  assessment_ = std::make_unique<Process>(
      ACCORD_ASSESSMENT_BIN,
      std::vector<std::string>{"--data_dir=" + d + "/assessment", "--grpc_port=0",
                               "--metrics_port=-1", "--port_file=" + d + "/assessment.port",
                               "--registry_address=@" + d + "/registry.port",
                               "--protocols_dir=" ACCORD_PROTOCOLS_DIR, "--grace_ms=5000"},
      d + "/assessment.log");
  assessment_port_ = WaitForPortFile(d + "/assessment.port");
  if (assessment_port_ == 0) error_ = "assessment did not start: " + Tail(d + "/assessment.log");
  return assessment_port_ != 0;
}

bool Stack::StartRisk() {
  const std::string& d = dir_.path();
  std::filesystem::remove(d + "/risk.port");
  risk_ = std::make_unique<Process>(
      ACCORD_RISK_BIN,
      std::vector<std::string>{"--data_dir=" + d + "/risk", "--grpc_port=0", "--metrics_port=-1",
                               "--port_file=" + d + "/risk.port",
                               "--registry_address=@" + d + "/registry.port",
                               "--assessment_address=@" + d + "/assessment.port",
                               "--grace_ms=5000"},
      d + "/risk.log");
  risk_port_ = WaitForPortFile(d + "/risk.port");
  if (risk_port_ == 0) error_ = "risk did not start: " + Tail(d + "/risk.log");
  return risk_port_ != 0;
}

bool Stack::StartReview() {
  const std::string& d = dir_.path();
  std::filesystem::remove(d + "/review.port");
  review_ = std::make_unique<Process>(
      ACCORD_REVIEW_BIN,
      std::vector<std::string>{"--data_dir=" + d + "/review", "--grpc_port=0",
                               "--metrics_port=-1", "--port_file=" + d + "/review.port",
                               "--registry_address=@" + d + "/registry.port",
                               "--assessment_address=@" + d + "/assessment.port",
                               "--risk_address=@" + d + "/risk.port", "--grace_ms=5000"},
      d + "/review.log");
  review_port_ = WaitForPortFile(d + "/review.port");
  if (review_port_ == 0) error_ = "review did not start: " + Tail(d + "/review.log");
  return review_port_ != 0;
}

bool Stack::StartIntegrations() {
  const std::string& d = dir_.path();
  std::filesystem::remove(d + "/integrations.port");
  std::vector<std::string> args = {"--data_dir=" + d + "/integrations", "--grpc_port=0",
                                   "--metrics_port=-1", "--port_file=" + d + "/integrations.port",
                                   "--registry_address=@" + d + "/registry.port",
                                   "--assessment_address=@" + d + "/assessment.port",
                                   "--risk_address=@" + d + "/risk.port", "--grace_ms=5000"};
  if (with_review_) args.push_back("--review_address=@" + d + "/review.port");
  for (const std::string& flag : integrations_flags_) args.push_back(flag);
  integrations_ = std::make_unique<Process>(ACCORD_INTEGRATIONS_BIN, args,
                                            d + "/integrations.log");
  integrations_port_ = WaitForPortFile(d + "/integrations.port");
  if (integrations_port_ == 0) {
    error_ = "integrations did not start: " + Tail(d + "/integrations.log");
  }
  return integrations_port_ != 0;
}

Stack::Stack(Options options) {
  const std::string& d = dir_.path();
  if (!StartRegistry() || !StartAssessment() || !StartRisk()) return;
  if (options.review && !StartReview()) return;
  with_review_ = options.review;
  integrations_flags_ = options.integrations_flags;
  if (options.integrations && !StartIntegrations()) return;
  std::vector<std::string> gateway_args = {
      "--http_port=0", "--grpc_port=0", "--data_dir=" + d + "/gateway",
      "--admin_address=unix:" + d + "/admin.sock",
      // Generous limits: the end-to-end tests are not about rate limits unless they say so.
      "--rate_limit_per_second=10000", "--rate_limit_burst=10000"};
  for (std::string arg : std::vector<std::string>{
                               "--http_port_file=" + d + "/http.port",
                               "--grpc_port_file=" + d + "/grpc.port",
                               absl::StrCat("--registry_address=127.0.0.1:", registry_port_),
                               absl::StrCat("--assessment_address=127.0.0.1:", assessment_port_),
                               absl::StrCat("--risk_address=127.0.0.1:", risk_port_)}) {
    gateway_args.push_back(std::move(arg));
  }
  if (options.integrations) {
    gateway_args.push_back(absl::StrCat("--integrations_address=127.0.0.1:", integrations_port_));
  }
  if (options.review) {
    gateway_args.push_back(absl::StrCat("--review_address=127.0.0.1:", review_port_));
  }
  for (const std::string& flag : options.gateway_flags) gateway_args.push_back(flag);
  gateway_ = std::make_unique<Process>(ACCORD_GATEWAY_BIN, gateway_args,
      d + "/gateway.log");
  http_port_ = WaitForPortFile(d + "/http.port");
  gateway_grpc_port_ = WaitForPortFile(d + "/grpc.port");
  if (http_port_ == 0 || gateway_grpc_port_ == 0) {
    error_ = "gateway did not start: " + Tail(d + "/gateway.log");
    return;
  }
  api_key_ = CreateKey("integration-tests",
                       "partnerships:read,partnerships:write,partnerships:approve,"
                       "partnerships:delete,assessments:read,assessments:write,risks:read,"
                       "risks:write,escalations:read,escalations:write,reviews:read,"
                       "reviews:write,officers:read,officers:write,audit:read,finance:write,"
                       "changes:read,webhooks:read,webhooks:write",
                       /*acts_for_officers=*/true);
  if (api_key_.empty()) error_ = "accord-admin could not create the stack's key";
}

std::string Stack::Admin(const std::string& args) const {
  std::string command = absl::StrCat(ACCORD_ADMIN_BIN, " --admin_address=unix:", dir_.path(),
                                     "/admin.sock ", args, " 2>>", dir_.path(), "/admin.log");
  CommandResult run = RunCommand(command);
  return run.code == 0 ? run.out : "";
}

std::string Stack::CreateKey(const std::string& client, const std::string& scopes,
                             bool acts_for_officers) const {
  std::string out = Admin(absl::StrCat("keys create --client ", client, " --scopes ", scopes,
                                       acts_for_officers ? " --acts-for-officers" : ""));
  // The key is the last line.
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : lines.back();
}

namespace {

// The store status of each service in `data_dirs`, read on its admin socket; empty when
// one fails.
std::vector<ops::v1::StoreStatus> StoreStatuses(const std::vector<std::string>& data_dirs) {
  std::vector<ops::v1::StoreStatus> out;
  for (const std::string& dir : data_dirs) {
    auto stub = ops::v1::OperationsService::NewStub(grpc::CreateChannel(
        absl::StrCat("unix:", dir, "/admin.sock"), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ops::v1::StoreStatus status;
    if (!stub->GetStoreStatus(&ctx, {}, &status).ok()) return {};
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace

std::map<std::string, int64_t> LatestSequences(const std::vector<std::string>& data_dirs) {
  std::map<std::string, int64_t> latest;
  for (const auto& status : StoreStatuses(data_dirs)) {
    latest[status.service()] = status.latest_sequence();
  }
  return latest;
}

bool WaitUntilFeedsSettled(const std::vector<std::string>& data_dirs, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string previous;
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<ops::v1::StoreStatus> statuses = StoreStatuses(data_dirs);
    std::map<std::string, int64_t> latest;
    for (const auto& status : statuses) latest[status.service()] = status.latest_sequence();
    bool caught_up = statuses.size() == data_dirs.size();
    std::string snapshot;
    for (const auto& status : statuses) {
      absl::StrAppend(&snapshot, status.service(), "=", status.latest_sequence(), ";");
      for (const auto& cursor : status.feeds()) {
        auto producer = latest.find(cursor.feed());
        if (producer != latest.end() && cursor.applied_sequence() < producer->second) {
          caught_up = false;
        }
      }
    }
    if (caught_up && snapshot == previous) return true;
    previous = caught_up ? snapshot : "";
    std::this_thread::sleep_for(std::chrono::milliseconds(caught_up ? 50 : 10));
  }
  return false;
}

std::vector<std::string> Stack::ServiceDirs() const {
  std::vector<std::string> dirs;
  for (const char* service : {"registry", "assessment", "risk"}) {
    dirs.push_back(dir_.path() + "/" + service);
  }
  if (review_) dirs.push_back(dir_.path() + "/review");
  if (integrations_) dirs.push_back(dir_.path() + "/integrations");
  return dirs;
}

std::map<std::string, int64_t> Stack::LatestSequences() const {
  return testing::LatestSequences(ServiceDirs());
}

bool Stack::WaitUntilSettled(int timeout_ms) const {
  return WaitUntilFeedsSettled(ServiceDirs(), timeout_ms);
}

std::map<std::string, std::string> Stack::Auth(const std::string& key) const {
  return {{"authorization", "Bearer " + (key.empty() ? api_key_ : key)}};
}

bool Stack::EnsureOfficer(const std::string& officer, const std::string& roles,
                          const std::string& service) {
  std::string key = absl::StrCat(officer, "|", roles, "|", service);
  if (officers_.count(key)) return true;
  std::string roles_json;
  for (absl::string_view role : absl::StrSplit(roles, ',', absl::SkipEmpty())) {
    absl::StrAppend(&roles_json, roles_json.empty() ? "" : ",", "\"", role, "\"");
  }
  std::string body = absl::StrCat(R"({"displayName":")", officer, R"(","service":")", service,
                                  R"(","roles":[)", roles_json, "]}");
  HttpResponse created = HttpCall(http_port_, "POST", "/v1/officers?officerId=" + officer, body,
                                  Auth());
  if (created.status == 409) {
    created = HttpCall(http_port_, "PATCH", "/v1/officers/" + officer, body, Auth());
  }
  if (created.status != 200) return false;
  officers_.insert(key);
  return true;
}

namespace {

class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(std::string bearer) : bearer_(std::move(bearer)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", bearer_});
    }
    methods->Proceed();
  }

 private:
  std::string bearer_;
};

class BearerInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string bearer) : bearer_(std::move(bearer)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new BearerInterceptor(bearer_);
  }

 private:
  std::string bearer_;
};

}  // namespace

std::shared_ptr<grpc::Channel> Stack::GatewayChannel(const std::string& key) const {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(
      std::make_unique<BearerInterceptorFactory>("Bearer " + (key.empty() ? api_key_ : key)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      absl::StrCat("127.0.0.1:", gateway_grpc_port_), grpc::InsecureChannelCredentials(),
      grpc::ChannelArguments(), std::move(factories));
}

Stack::~Stack() = default;

bool Stack::KillAndRestartRegistry() {
  registry_->Kill();
  return StartRegistry();
}

bool Stack::KillAndRestartAssessment() {
  assessment_->Kill();
  return StartAssessment();
}

bool Stack::KillAndRestartReview() {
  review_->Kill();
  return StartReview();
}

bool Stack::KillAndRestartIntegrations() {
  integrations_->Kill();
  return StartIntegrations();
}

bool Stack::KillAndRestartRisk() {
  risk_->Kill();
  return StartRisk();
}

bool Stack::StopGracefully() {
  bool ok = true;
  // The gateway first, then each service after those that call it.
  for (auto [process, name] : std::vector<std::pair<Process*, const char*>>{
           {gateway_.get(), "gateway"},
           {integrations_.get(), "integrations"},
           {review_.get(), "review"},
           {risk_.get(), "risk"},
           {assessment_.get(), "assessment"},
           {registry_.get(), "registry"}}) {
    if (process == nullptr) continue;
    int code = process->Terminate();
    if (code != 0) {
      ok = false;
      std::fprintf(stderr, "%s exited with %d on SIGTERM; its log ends:\n%s\n", name, code,
                   Tail(dir_.path() + "/" + name + ".log").c_str());
    }
  }
  return ok;
}

}  // namespace accord::testing
