#include "tests/integration/stack.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"

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

Stack::Stack() {
  const std::string& d = dir_.path();
  if (!StartRegistry() || !StartAssessment() || !StartRisk()) return;
  gateway_ = std::make_unique<Process>(
      ACCORD_GATEWAY_BIN,
      std::vector<std::string>{"--http_port=0", "--grpc_port=0",
                               "--http_port_file=" + d + "/http.port",
                               "--grpc_port_file=" + d + "/grpc.port",
                               absl::StrCat("--registry_address=127.0.0.1:", registry_port_),
                               absl::StrCat("--assessment_address=127.0.0.1:", assessment_port_),
                               absl::StrCat("--risk_address=127.0.0.1:", risk_port_)},
      d + "/gateway.log");
  http_port_ = WaitForPortFile(d + "/http.port");
  gateway_grpc_port_ = WaitForPortFile(d + "/grpc.port");
  if (http_port_ == 0 || gateway_grpc_port_ == 0) {
    error_ = "gateway did not start: " + Tail(d + "/gateway.log");
  }
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

bool Stack::KillAndRestartRisk() {
  risk_->Kill();
  return StartRisk();
}

bool Stack::StopGracefully() {
  bool ok = true;
  // The gateway first, then each service after those that call it.
  for (auto [process, name] : std::vector<std::pair<Process*, const char*>>{
           {gateway_.get(), "gateway"},
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
