#include "tests/fault/fault_stack.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace accord::fault {

const char kAllScopes[] =
    "partnerships:read,partnerships:write,partnerships:approve,partnerships:delete,"
    "assessments:read,assessments:write,risks:read,risks:write,escalations:read,"
    "escalations:write,reviews:read,reviews:write,officers:read,officers:write,audit:read,"
    "finance:write,changes:read,webhooks:read,webhooks:write";

namespace {

const std::map<std::string, const char*>& Binaries() {
  static const auto* binaries = new std::map<std::string, const char*>{
      {"registry", ACCORD_REGISTRY_BIN},         {"assessment", ACCORD_ASSESSMENT_BIN},
      {"risk", ACCORD_RISK_BIN},                 {"review", ACCORD_REVIEW_BIN},
      {"integrations", ACCORD_INTEGRATIONS_BIN}, {"gateway", ACCORD_GATEWAY_BIN},
      {"admin", ACCORD_ADMIN_BIN}};
  return *binaries;
}

}  // namespace

std::string BinaryPath(const std::string& name) {
  const char* built = Binaries().at(name);
  const char* dir = std::getenv("ACCORD_FAULT_BIN_DIR");
  if (dir == nullptr || *dir == 0) return built;
  return (std::filesystem::path(dir) / std::filesystem::path(built).filename()).string();
}

FaultStack::FaultStack(Options options) : options_(std::move(options)) {
  names_ = {"registry", "assessment", "risk"};
  if (options_.review) names_.push_back("review");
  if (options_.integrations) names_.push_back("integrations");
  names_.push_back("gateway");
}

FaultStack::~FaultStack() {
  for (auto& [name, process] : processes_) process.reset();
  // ACCORD_FAULT_LOGS=<folder> keeps every process's log after the run (the store is not).
  if (const char* keep = std::getenv("ACCORD_FAULT_LOGS"); keep != nullptr && *keep != 0) {
    std::error_code ec;
    std::filesystem::create_directories(keep, ec);
    std::string run = std::filesystem::path(root()).filename().string();
    for (const auto& entry : std::filesystem::directory_iterator(root(), ec)) {
      if (entry.path().extension() != ".log") continue;
      std::filesystem::copy_file(entry.path(),
                                 std::filesystem::path(keep) /
                                     (run + "-" + entry.path().filename().string()),
                                 std::filesystem::copy_options::overwrite_existing, ec);
    }
  }
}

std::vector<std::string> FaultStack::services() const {
  std::vector<std::string> out;
  for (const std::string& name : names_) {
    if (name != "gateway") out.push_back(name);
  }
  return out;
}

std::string FaultStack::data_dir(const std::string& name) const {
  auto it = options_.data_dirs.find(name);
  return it != options_.data_dirs.end() ? it->second : root() + "/" + name;
}

int FaultStack::port(const std::string& name) const {
  auto it = ports_.find(name);
  return it == ports_.end() ? 0 : it->second;
}

std::vector<std::string> FaultStack::ArgsFor(const std::string& name) {
  const std::string& d = root();
  auto peer = [&](const std::string& peer_name) { return "@" + d + "/" + peer_name + ".port"; };
  auto backend = [&](const std::string& peer_name) {
    return absl::StrCat("127.0.0.1:", port(peer_name));
  };
  std::vector<std::string> args;
  if (name == "gateway") {
    args = {absl::StrCat("--http_port=", http_port_),
            absl::StrCat("--grpc_port=", port("gateway")),
            "--http_port_file=" + d + "/http.port",
            "--grpc_port_file=" + d + "/gateway.port",
            "--data_dir=" + data_dir("gateway"),
            "--admin_address=unix:" + d + "/admin.sock",
            "--rate_limit_per_second=100000",
            "--rate_limit_burst=100000",
            "--backend_deadline_ms=5000",
            absl::StrCat("--grace_ms=", options_.grace_ms),
            "--registry_address=" + backend("registry"),
            "--assessment_address=" + backend("assessment"),
            "--risk_address=" + backend("risk")};
    if (options_.review) args.push_back("--review_address=" + backend("review"));
    if (options_.integrations) {
      args.push_back("--integrations_address=" + backend("integrations"));
    }
  } else {
    args = {"--data_dir=" + data_dir(name), absl::StrCat("--grpc_port=", port(name)),
            "--metrics_port=-1", "--port_file=" + d + "/" + name + ".port",
            absl::StrCat("--grace_ms=", options_.grace_ms)};
    if (name == "registry") args.push_back("--assessment_address=" + peer("assessment"));
    if (name == "assessment") {
      args.push_back("--registry_address=" + peer("registry"));
      args.push_back("--protocols_dir=" ACCORD_PROTOCOLS_DIR);
    }
    if (name == "risk" || name == "review" || name == "integrations") {
      args.push_back("--registry_address=" + peer("registry"));
      args.push_back("--assessment_address=" + peer("assessment"));
    }
    if (name == "review" || name == "integrations") {
      args.push_back("--risk_address=" + peer("risk"));
    }
    if (name == "integrations" && options_.review) {
      args.push_back("--review_address=" + peer("review"));
    }
  }
  if (auto it = options_.extra_flags.find(name); it != options_.extra_flags.end()) {
    for (const std::string& flag : it->second) args.push_back(flag);
  }
  return args;
}

bool FaultStack::StartProcess(const std::string& name, int timeout_ms) {
  const std::string& d = root();
  std::string port_file = d + "/" + name + ".port";
  std::filesystem::remove(port_file);
  if (name == "gateway") std::filesystem::remove(d + "/http.port");
  processes_[name] =
      std::make_unique<testing::Process>(BinaryPath(name), ArgsFor(name), log_path(name));
  int port = testing::WaitForPortFile(port_file, timeout_ms);
  if (name == "gateway" && port != 0) {
    http_port_ = testing::WaitForPortFile(d + "/http.port", timeout_ms);
    if (http_port_ == 0) port = 0;
  }
  if (port == 0) {
    error_ = absl::StrCat(name, " did not start; its log ends:\n",
                          testing::Tail(log_path(name)));
    return false;
  }
  ports_[name] = port;
  return true;
}

bool FaultStack::Start() {
  for (const std::string& name : names_) {
    if (!StartProcess(name)) return false;
  }
  api_key_ = CreateKey("fault-suite", kAllScopes, /*acts_for_officers=*/true);
  if (api_key_.empty()) {
    error_ = "accord-admin could not create a key: " + testing::Tail(root() + "/admin.log");
    return false;
  }
  return true;
}

void FaultStack::Kill(const std::string& name) {
  if (auto it = processes_.find(name); it != processes_.end() && it->second) it->second->Kill();
}

int FaultStack::Terminate(const std::string& name, int timeout_ms) {
  auto it = processes_.find(name);
  if (it == processes_.end() || !it->second) return -1;
  return it->second->Terminate(timeout_ms);
}

bool FaultStack::Running(const std::string& name) {
  auto it = processes_.find(name);
  return it != processes_.end() && it->second && it->second->running();
}

pid_t FaultStack::Pid(const std::string& name) {
  auto it = processes_.find(name);
  return it != processes_.end() && it->second ? it->second->pid() : -1;
}

bool FaultStack::StopAll() {
  bool ok = true;
  for (auto name = names_.rbegin(); name != names_.rend(); ++name) {
    if (!Running(*name)) continue;
    int code = Terminate(*name);
    if (code != 0) {
      ok = false;
      error_ = absl::StrCat(*name, " exited with ", code, " on SIGTERM");
    }
  }
  return ok;
}

std::map<std::string, std::string> FaultStack::Auth() const {
  return {{"authorization", "Bearer " + api_key_}};
}

std::string FaultStack::Admin(const std::string& args) const {
  std::string command = absl::StrCat(BinaryPath("admin"), " --admin_address=unix:", root(),
                                     "/admin.sock ", args, " 2>>", root(), "/admin.log");
  testing::CommandResult run = testing::RunCommand(command);
  return run.code == 0 ? run.out : "";
}

std::string FaultStack::CreateKey(const std::string& client, const std::string& scopes,
                                  bool acts_for_officers) const {
  std::string out = Admin(absl::StrCat("keys create --client ", client, " --scopes ", scopes,
                                       acts_for_officers ? " --acts-for-officers" : ""));
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : lines.back();
}

}  // namespace accord::fault
