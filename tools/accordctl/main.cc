// accordctl: the operator's command for a running (or stopped) Accord stack. See `accordctl
// help` and docs/operations.md.
//
// Store operations (status, backup) go to each process's local admin socket; offline ones
// (backups list/verify, restore) read the backup folder directly; register and protocol
// operations go through the gateway's gRPC port with an API key, like any client system.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/ops/v1/operations_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/storage/backup.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"

namespace {

namespace fs = std::filesystem;
namespace ops = accord::ops::v1;

constexpr char kUsage[] = R"(usage: accordctl [OPTIONS] COMMAND [ARGS]

Stack health and backups (through each process's local admin socket):
  status                      every process: schema version, feed position, size, backups
  backup [--keep=N]           online backup of every store into its process's --backup_dir;
                              keep only the newest N afterwards (default: keep all)
Backup folders (offline; no process needed):
  backups list --backup_dir=DIR
  backups verify --backup_dir=DIR [--id=N]      check every file's checksum
  restore --backup_dir=DIR --data_dir=DIR [--id=N] [--replace]
                              stop the service first; verifies the backup, then restores it
                              (newest unless --id); --replace moves an existing store aside
                              into DATA_DIR/replaced-<time>/ instead of refusing
Through the gateway (an API key with the scopes the call needs):
  protocols list | protocols show NAME [--version=N] | protocols load FILE.textproto
  import FILE.csv [--dry_run]       all-or-nothing; --dry_run reports every bad row
  export [--public] [--format=csv|json]
API keys (runs accord-admin on the gateway's admin socket):
  keys create --client NAME --scopes a,b | keys list | keys rotate ID | keys revoke ID

Options (environment fallback in brackets):
  --admin=ADDR        an admin address (unix:/path or 127.0.0.1:port); repeat for several.
                      Default: every DATA_ROOT/*/admin.sock
  --data_root=DIR     [ACCORD_DATA_DIR] the stack's data folder (default .data)
  --gateway=HOST:PORT [ACCORD_GATEWAY_GRPC_ADDRESS] the gateway's gRPC port (127.0.0.1:8081)
  --api_key_file=F    [ACCORD_API_KEY holds the key itself] the key for gateway calls
  --officer=ID        [ACCORD_OFFICER] the officer a key made --acts-for-officers acts for
                      (import needs a register keeper)
  --deadline_s=N      per call (default 60)
)";

int Usage() {
  std::fputs(kUsage, stderr);
  return 2;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "accordctl: %s\n", message.c_str());
  return 1;
}

int Fail(const grpc::Status& status, const std::string& what) {
  return Fail(absl::StrCat(what, ": ", status.error_message()));
}

int Fail(const absl::Status& status) { return Fail(std::string(status.message())); }

std::string Time(int64_t unix_seconds) {
  if (unix_seconds == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string Env(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// --name=value or --name value; positional arguments in order.
struct Args {
  std::map<std::string, std::vector<std::string>> flags;
  std::vector<std::string> positional;

  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second.back();
  }
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
};

// Flags that take no value.
bool IsSwitch(const std::string& name) {
  return name == "replace" || name == "dry_run" || name == "public" ||
         name == "acts-for-officers";
}

Args Parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      args.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (!IsSwitch(name) && i + 1 < argc) {
      value = argv[++i];
    }
    args.flags[name].push_back(value);
  }
  return args;
}

std::unique_ptr<grpc::ClientContext> Context(const Args& args) {
  int64_t seconds = 60;
  (void)absl::SimpleAtoi(args.Get("deadline_s", "60"), &seconds);
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// The admin addresses to visit: --admin flags, else every DATA_ROOT/*/admin.sock.
std::vector<std::string> AdminAddresses(const Args& args) {
  auto given = args.flags.find("admin");
  if (given != args.flags.end()) return given->second;
  std::vector<std::string> found;
  std::error_code ec;
  fs::path root = args.Get("data_root", Env("ACCORD_DATA_DIR", ".data"));
  for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
    fs::path socket = entry.path() / "admin.sock";
    if (fs::is_socket(socket, ec)) found.push_back("unix:" + fs::absolute(socket).string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::unique_ptr<ops::OperationsService::Stub> Ops(const std::string& address) {
  return ops::OperationsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

int Status(const Args& args) {
  std::vector<std::string> addresses = AdminAddresses(args);
  if (addresses.empty()) return Fail("no admin socket found; pass --admin or --data_root");
  int down = 0;
  std::printf("%-13s %-6s %-7s %12s %12s %8s  %s\n", "SERVICE", "STATE", "SCHEMA", "SEQUENCE",
              "BYTES", "BACKUPS", "LAST BACKUP");
  std::vector<ops::StoreStatus> up;
  for (const std::string& address : addresses) {
    ops::StoreStatus status;
    grpc::Status rpc = Ops(address)->GetStoreStatus(Context(args).get(), {}, &status);
    if (!rpc.ok()) {
      ++down;
      std::printf("%-13s %-6s %s\n", address.c_str(), "DOWN", rpc.error_message().c_str());
      continue;
    }
    up.push_back(status);
    std::string schema = absl::StrCat(status.schema_version());
    if (status.opened_at_schema_version() != status.schema_version()) {
      schema = absl::StrCat(status.opened_at_schema_version(), "->", status.schema_version());
    }
    std::printf("%-13s %-6s %-7s %12lld %12lld %8s  %s\n", status.service().c_str(), "UP",
                schema.c_str(), static_cast<long long>(status.latest_sequence()),
                static_cast<long long>(status.size_bytes()),
                status.backup_dir().empty() ? "off"
                                            : absl::StrCat(status.backup_count()).c_str(),
                Time(status.last_backup_time().seconds()).c_str());
  }
  // How far each follower is behind the feeds it follows (a service applies the others'
  // changes a moment after they commit; a growing number means it is stuck).
  std::map<std::string, int64_t> latest;
  for (const auto& status : up) latest[status.service()] = status.latest_sequence();
  bool header = false;
  for (const auto& status : up) {
    for (const auto& cursor : status.feeds()) {
      if (!header) {
        std::printf("\n%-13s %-13s %12s %8s\n", "FOLLOWER", "FEED", "APPLIED", "BEHIND");
        header = true;
      }
      auto producer = latest.find(cursor.feed());
      std::string behind =
          producer == latest.end()
              ? "?"
              : absl::StrCat(std::max<int64_t>(0, producer->second - cursor.applied_sequence()));
      std::printf("%-13s %-13s %12lld %8s\n", status.service().c_str(), cursor.feed().c_str(),
                  static_cast<long long>(cursor.applied_sequence()), behind.c_str());
    }
  }
  return down == 0 ? 0 : 1;
}

void PrintBackup(const std::string& who, const accord::storage::BackupRecord& b) {
  std::printf("%-13s %5u  %s  %12lld bytes  %4d files  schema %d  sequence %lld%s\n",
              who.c_str(), b.id, Time(b.create_unix_seconds).c_str(),
              static_cast<long long>(b.size_bytes), b.file_count, b.schema_version,
              static_cast<long long>(b.latest_sequence), b.verified ? "  verified" : "");
}

int Backup(const Args& args) {
  std::vector<std::string> addresses = AdminAddresses(args);
  if (addresses.empty()) return Fail("no admin socket found; pass --admin or --data_root");
  int keep = 0;
  if (!absl::SimpleAtoi(args.Get("keep", "0"), &keep) || keep < 0) {
    return Fail("--keep must be a whole number, 0 (keep all) or more");
  }
  // Feed consumers before the feeds they follow: in a set from one run, no consumer's cursor
  // is then ahead of its producer's restored feed (a consumer re-reads, never skips).
  static const std::vector<std::string> kOrder = {"integrations", "review", "risk",
                                                  "registry", "assessment", "gateway"};
  std::vector<std::pair<size_t, std::string>> ordered;
  for (const std::string& address : addresses) {
    ops::StoreStatus status;
    (void)Ops(address)->GetStoreStatus(Context(args).get(), {}, &status);
    size_t rank = std::find(kOrder.begin(), kOrder.end(), status.service()) - kOrder.begin();
    ordered.emplace_back(rank, address);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  int failed = 0;
  for (const auto& [rank, address] : ordered) {
    ops::CreateBackupRequest request;
    request.set_keep(keep);
    ops::Backup made;
    absl::Time started = absl::Now();
    grpc::Status rpc = Ops(address)->CreateBackup(Context(args).get(), request, &made);
    if (!rpc.ok()) {
      ++failed;
      std::fprintf(stderr, "accordctl: backup through %s failed: %s\n", address.c_str(),
                   rpc.error_message().c_str());
      continue;
    }
    accord::storage::BackupRecord record{
        .id = made.id(), .create_unix_seconds = made.create_time().seconds(),
        .size_bytes = made.size_bytes(), .file_count = made.file_count(),
        .service = made.service(), .schema_version = made.schema_version(),
        .latest_sequence = made.latest_sequence(), .verified = made.verified()};
    PrintBackup(made.service(), record);
    std::printf("%-13s took %lld ms\n", "", static_cast<long long>(absl::ToInt64Milliseconds(
                                                absl::Now() - started)));
  }
  return failed == 0 ? 0 : 1;
}

int Backups(const Args& args) {
  if (args.positional.size() != 2 || !args.Has("backup_dir")) return Usage();
  std::string dir = args.Get("backup_dir");
  int id = 0;
  if (!absl::SimpleAtoi(args.Get("id", "0"), &id) || id < 0) {
    return Fail("--id must be a backup id (1, 2, ...)");
  }
  absl::StatusOr<std::vector<accord::storage::BackupRecord>> records;
  if (args.positional[1] == "list") {
    records = accord::storage::ListBackups(dir);
  } else if (args.positional[1] == "verify") {
    records = accord::storage::VerifyBackups(dir, static_cast<uint32_t>(id));
  } else {
    return Usage();
  }
  if (!records.ok()) return Fail(records.status());
  for (const auto& record : *records) PrintBackup(record.service, record);
  if (records->empty()) std::printf("no backups in %s\n", dir.c_str());
  return 0;
}

int Restore(const Args& args) {
  if (!args.Has("backup_dir") || !args.Has("data_dir")) return Usage();
  int id = 0;
  if (!absl::SimpleAtoi(args.Get("id", "0"), &id) || id < 0) {
    return Fail("--id must be a backup id (1, 2, ...)");
  }
  absl::StatusOr<accord::storage::RestoreResult> restored = accord::storage::RestoreBackup(
      {.backup_dir = args.Get("backup_dir"), .id = static_cast<uint32_t>(id),
       .data_dir = args.Get("data_dir"), .replace = args.Has("replace")});
  if (!restored.ok()) return Fail(restored.status());
  PrintBackup(restored->backup.service, restored->backup);
  std::printf("restored into %s\n", args.Get("data_dir").c_str());
  if (!restored->replaced_to.empty()) {
    std::printf("the store it replaced is in %s (delete it when satisfied)\n",
                restored->replaced_to.c_str());
  }
  return 0;
}

// Calls through the gateway carry the API key like any client system's.
struct Gateway {
  std::shared_ptr<grpc::Channel> channel;
  std::string key;

  std::string officer;  // the officer the key acts for, when it may

  std::unique_ptr<grpc::ClientContext> Context(const Args& args) const {
    auto context = ::Context(args);
    context->AddMetadata("authorization", "Bearer " + key);
    if (!officer.empty()) context->AddMetadata("x-accord-officer", officer);
    return context;
  }
};

absl::StatusOr<Gateway> ConnectGateway(const Args& args) {
  Gateway gateway;
  gateway.key = Env("ACCORD_API_KEY", "");
  if (args.Has("api_key_file")) {
    std::ifstream in(args.Get("api_key_file"));
    if (!in) return absl::NotFoundError("cannot read --api_key_file");
    std::getline(in, gateway.key);
  }
  if (gateway.key.empty()) {
    return absl::FailedPreconditionError(
        "this command calls the gateway: set ACCORD_API_KEY or pass --api_key_file");
  }
  gateway.officer = args.Get("officer", Env("ACCORD_OFFICER", ""));
  gateway.channel = grpc::CreateChannel(
      args.Get("gateway", Env("ACCORD_GATEWAY_GRPC_ADDRESS", "127.0.0.1:8081")),
      grpc::InsecureChannelCredentials());
  return gateway;
}

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int Protocols(const Args& args) {
  namespace v1 = accord::assessment::v1;
  auto gateway = ConnectGateway(args);
  if (!gateway.ok()) return Fail(gateway.status());
  auto stub = v1::AssessmentService::NewStub(gateway->channel);
  const std::vector<std::string>& p = args.positional;
  if (p.size() == 2 && p[1] == "list") {
    v1::ListProtocolsResponse response;
    grpc::Status rpc = stub->ListProtocols(gateway->Context(args).get(), {}, &response);
    if (!rpc.ok()) return Fail(rpc, "list protocols");
    for (const v1::Protocol& protocol : response.protocols()) {
      std::printf("%s\tversion %d\t%s\t%s\n", protocol.name().c_str(), protocol.version(),
                  protocol.council().c_str(), protocol.title().c_str());
    }
    return 0;
  }
  if (p.size() == 3 && p[1] == "show") {
    v1::GetProtocolRequest request;
    request.set_name(p[2].rfind("protocols/", 0) == 0 ? p[2] : "protocols/" + p[2]);
    int version = 0;
    if (!absl::SimpleAtoi(args.Get("version", "0"), &version)) return Fail("bad --version");
    request.set_version(version);
    v1::Protocol protocol;
    grpc::Status rpc = stub->GetProtocol(gateway->Context(args).get(), request, &protocol);
    if (!rpc.ok()) return Fail(rpc, "show protocol");
    std::string text;
    google::protobuf::TextFormat::PrintToString(protocol, &text);
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  if (p.size() == 3 && p[1] == "load") {
    absl::StatusOr<std::string> text = ReadFile(p[2]);
    if (!text.ok()) return Fail(text.status());
    v1::CreateProtocolVersionRequest request;
    if (!google::protobuf::TextFormat::ParseFromString(*text, request.mutable_protocol())) {
      return Fail(absl::StrCat(p[2], " is not a protocol in text format (see protocols/)"));
    }
    v1::Protocol created;
    grpc::Status rpc =
        stub->CreateProtocolVersion(gateway->Context(args).get(), request, &created);
    if (!rpc.ok()) return Fail(rpc, "load protocol");
    std::printf("%s\tversion %d\tloaded\n", created.name().c_str(), created.version());
    return 0;
  }
  return Usage();
}

int Import(const Args& args) {
  namespace v1 = accord::registry::v1;
  if (args.positional.size() != 2) return Usage();
  auto gateway = ConnectGateway(args);
  if (!gateway.ok()) return Fail(gateway.status());
  absl::StatusOr<std::string> csv = ReadFile(args.positional[1]);
  if (!csv.ok()) return Fail(csv.status());
  v1::ImportPartnershipsRequest request;
  request.set_csv(*csv);
  request.set_validate_only(args.Has("dry_run"));
  v1::ImportPartnershipsResponse response;
  grpc::Status rpc = v1::RegistryService::NewStub(gateway->channel)
                         ->ImportPartnerships(gateway->Context(args).get(), request, &response);
  if (!rpc.ok() && response.problems().empty()) return Fail(rpc, "import");
  for (const v1::ImportProblem& problem : response.problems()) {
    std::printf("row %d%s%s: %s\n", problem.row(), problem.column().empty() ? "" : " column ",
                problem.column().c_str(), problem.description().c_str());
  }
  if (!rpc.ok() || !response.problems().empty()) {
    return Fail(absl::StrCat(response.problems_size(), " problem(s) in ",
                             response.row_count(), " rows; nothing imported"));
  }
  std::printf("%d rows %s\n", response.row_count(),
              args.Has("dry_run") ? "checked, no problems; nothing written (dry run)"
                                  : "imported");
  return 0;
}

int Export(const Args& args) {
  namespace v1 = accord::registry::v1;
  auto gateway = ConnectGateway(args);
  if (!gateway.ok()) return Fail(gateway.status());
  v1::ExportPartnershipsRequest request;
  request.set_format(args.Get("format", "csv"));
  auto stub = v1::RegistryService::NewStub(gateway->channel);
  if (args.Has("public")) {
    v1::ExportPublicPartnershipsResponse response;
    grpc::Status rpc =
        stub->ExportPublicPartnerships(gateway->Context(args).get(), request, &response);
    if (!rpc.ok()) return Fail(rpc, "export");
    std::fputs(request.format() == "json" ? Json(response).c_str() : response.csv().c_str(),
               stdout);
    return 0;
  }
  v1::ExportPartnershipsResponse response;
  grpc::Status rpc = stub->ExportPartnerships(gateway->Context(args).get(), request, &response);
  if (!rpc.ok()) return Fail(rpc, "export");
  std::fputs(request.format() == "json" ? Json(response).c_str() : response.csv().c_str(),
             stdout);
  return 0;
}

// accord-admin beside this binary (an image), in the build tree, or on PATH, with the
// gateway's admin socket.
int Keys(int argc, char** argv, const Args& args) {
  std::vector<std::string> command;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::string admin = "accord-admin";
  for (const fs::path& candidate : {self.parent_path() / "accord-admin",
                                    self.parent_path() / "../../gateway/accord-admin"}) {
    if (!ec && fs::exists(candidate)) {
      admin = candidate.lexically_normal().string();
      break;
    }
  }
  command.push_back(admin);
  if (!args.Has("admin_address") && !std::getenv("ACCORD_GATEWAY_ADMIN_ADDRESS")) {
    fs::path root = args.Get("data_root", Env("ACCORD_DATA_DIR", ".data"));
    command.push_back("--admin_address=unix:" +
                      fs::absolute(root / "gateway" / "admin.sock").string());
  }
  bool after_keys = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!after_keys && arg.rfind("--data_root", 0) == 0) {
      if (arg == "--data_root") ++i;
      continue;
    }
    if (arg == "keys") after_keys = true;
    command.push_back(arg);
  }
  std::vector<char*> raw;
  for (std::string& part : command) raw.push_back(part.data());
  raw.push_back(nullptr);
  execvp(raw[0], raw.data());
  return Fail(absl::StrCat("cannot run ", command[0]));
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  if (args.positional.empty()) return Usage();
  const std::string& command = args.positional[0];
  if (command == "status") return Status(args);
  if (command == "backup") return Backup(args);
  if (command == "backups") return Backups(args);
  if (command == "restore") return Restore(args);
  if (command == "protocols") return Protocols(args);
  if (command == "import") return Import(args);
  if (command == "export") return Export(args);
  if (command == "keys") return Keys(argc, argv, args);
  if (command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  return Usage();
}
