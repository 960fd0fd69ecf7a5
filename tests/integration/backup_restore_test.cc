// Backups and restore with accordctl against real processes: the restore drill (write, back
// up, write more, restore: exactly the backed-up records are there), the refusals that keep
// a restore from doing harm, and accordctl's stack-wide commands through a whole stack.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace fs = std::filesystem;
namespace v1 = accord::registry::v1;
using ::testing::HasSubstr;
using ::testing::Not;

using Result = CommandResult;

Result Accordctl(const std::string& args) {
  return RunCommand(absl::StrCat(ACCORDCTL_BIN, " ", args, " 2>&1"));
}

class Registry {
 public:
  Registry(const TempDir& dir, std::string backup_dir)
      : dir_(dir), backup_dir_(std::move(backup_dir)) {}

  std::string data_dir() const { return dir_.path() + "/registry"; }
  std::string admin() const { return "unix:" + data_dir() + "/admin.sock"; }
  std::string log() const { return Tail(dir_.path() + "/registry.log"); }

  bool Start() {
    std::string port_file = dir_.path() + "/registry.port";
    fs::remove(port_file);
    std::vector<std::string> args = {"--data_dir=" + data_dir(), "--grpc_port=0",
                                     "--metrics_port=-1", "--port_file=" + port_file};
    if (!backup_dir_.empty()) args.push_back("--backup_dir=" + backup_dir_);
    process_ = std::make_unique<Process>(ACCORD_REGISTRY_BIN, args, dir_.path() + "/registry.log");
    int port = WaitForPortFile(port_file);
    if (port == 0) return false;
    stub_ = v1::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    return true;
  }
  int Stop() { return process_->Terminate(); }

  bool Create(const std::string& id) {
    v1::CreatePartnershipRequest request;
    request.set_partnership_id(id);
    request.mutable_partnership()->set_display_name("Backup drill " + id);
    request.mutable_partnership()->set_lead_service("Resilience");
    grpc::ClientContext ctx;
    v1::Partnership created;
    return stub_->CreatePartnership(&ctx, request, &created).ok();
  }

  // Every partnership's name, paging through the list.
  std::set<std::string> Names() {
    std::set<std::string> names;
    v1::ListPartnershipsRequest request;
    request.set_page_size(2);  // several pages, to read through the page tokens too
    do {
      grpc::ClientContext ctx;
      v1::ListPartnershipsResponse response;
      if (!stub_->ListPartnerships(&ctx, request, &response).ok()) return {"<list failed>"};
      for (const auto& p : response.partnerships()) names.insert(p.name());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

 private:
  const TempDir& dir_;
  std::string backup_dir_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

std::set<std::string> Named(const std::vector<std::string>& ids) {
  std::set<std::string> names;
  for (const auto& id : ids) names.insert("partnerships/" + id);
  return names;
}

TEST(BackupRestore, RestoreDrillBringsBackExactlyTheBackedUpRecords) {
  TempDir dir;
  std::string backups = dir.path() + "/backups/registry";
  Registry registry(dir, backups);
  ASSERT_TRUE(registry.Start()) << registry.log();
  std::vector<std::string> before = {"alpha", "bravo", "charlie", "delta", "echo"};
  for (const auto& id : before) ASSERT_TRUE(registry.Create(id));

  Result backup = Accordctl("backup --admin=" + registry.admin());
  ASSERT_EQ(backup.code, 0) << backup.out;
  EXPECT_THAT(backup.out, HasSubstr("registry"));
  EXPECT_THAT(backup.out, HasSubstr("verified"));

  std::vector<std::string> after = {"foxtrot", "golf", "hotel"};
  for (const auto& id : after) ASSERT_TRUE(registry.Create(id));
  std::set<std::string> all = Named(before);
  for (const auto& name : Named(after)) all.insert(name);
  ASSERT_EQ(registry.Names(), all);

  // While the service runs, a restore is refused and changes nothing.
  Result busy = Accordctl(absl::StrCat("restore --backup_dir=", backups,
                                    " --data_dir=", registry.data_dir(), " --replace"));
  EXPECT_EQ(busy.code, 1) << busy.out;
  EXPECT_THAT(busy.out, HasSubstr("in use; stop its service first"));
  EXPECT_EQ(registry.Names(), all);
  ASSERT_EQ(registry.Stop(), 0) << registry.log();

  // Over an existing store without --replace: refused, nothing moved.
  Result refused = Accordctl(absl::StrCat("restore --backup_dir=", backups,
                                       " --data_dir=", registry.data_dir()));
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("already holds a store; pass --replace"));
  EXPECT_TRUE(fs::exists(registry.data_dir() + "/CURRENT"));

  Result listed = Accordctl("backups list --backup_dir=" + backups);
  ASSERT_EQ(listed.code, 0) << listed.out;
  EXPECT_THAT(listed.out, HasSubstr("schema 2"));
  Result verified = Accordctl("backups verify --backup_dir=" + backups);
  ASSERT_EQ(verified.code, 0) << verified.out;
  EXPECT_THAT(verified.out, HasSubstr("verified"));

  Result restored = Accordctl(absl::StrCat("restore --backup_dir=", backups,
                                        " --data_dir=", registry.data_dir(), " --replace"));
  ASSERT_EQ(restored.code, 0) << restored.out;
  EXPECT_THAT(restored.out, HasSubstr("the store it replaced is in"));

  ASSERT_TRUE(registry.Start()) << registry.log();
  EXPECT_EQ(registry.Names(), Named(before)) << "exactly the backed-up records";
  // The restored store takes writes again, and an id created after the backup is free.
  EXPECT_TRUE(registry.Create("foxtrot"));
  EXPECT_EQ(registry.Names().size(), before.size() + 1);

  Result status = Accordctl("status --admin=" + registry.admin());
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_THAT(status.out, HasSubstr("registry"));
  EXPECT_THAT(status.out, HasSubstr("UP"));
  EXPECT_EQ(registry.Stop(), 0);
}

TEST(BackupRestore, CorruptBackupIsReportedAndNeverRestored) {
  TempDir dir;
  std::string backups = dir.path() + "/backups";
  Registry registry(dir, backups);
  ASSERT_TRUE(registry.Start()) << registry.log();
  ASSERT_TRUE(registry.Create("kept"));
  ASSERT_EQ(Accordctl("backup --admin=" + registry.admin()).code, 0);
  ASSERT_EQ(registry.Stop(), 0);

  // Flip one byte in the middle of every backed-up table file.
  int damaged = 0;
  for (const auto& entry : fs::recursive_directory_iterator(backups)) {
    if (entry.path().extension() != ".sst") continue;
    std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    auto middle = static_cast<std::streamoff>(fs::file_size(entry.path()) / 2);
    file.seekg(middle);
    char byte = 0;
    file.get(byte);
    file.seekp(middle);
    file.put(static_cast<char>(byte ^ 0x5a));
    ++damaged;
  }
  ASSERT_GT(damaged, 0);

  Result verify = Accordctl("backups verify --backup_dir=" + backups);
  EXPECT_EQ(verify.code, 1) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("does not verify"));

  std::string target = dir.path() + "/restored";
  Result restore = Accordctl(absl::StrCat("restore --backup_dir=", backups, " --data_dir=", target));
  EXPECT_EQ(restore.code, 1) << restore.out;
  EXPECT_THAT(restore.out, HasSubstr("nothing restored"));
  EXPECT_FALSE(fs::exists(target + "/CURRENT"));
}

TEST(BackupRestore, RefusalsNameTheProblem) {
  TempDir dir;
  Registry registry(dir, /*backup_dir=*/"");
  ASSERT_TRUE(registry.Start()) << registry.log();
  Result backup = Accordctl("backup --admin=" + registry.admin());
  EXPECT_EQ(backup.code, 1);
  EXPECT_THAT(backup.out, HasSubstr("backups are not configured: start the process with "
                                    "--backup_dir"));
  EXPECT_EQ(Accordctl("backup --keep=-1 --admin=" + registry.admin()).code, 1);
  EXPECT_THAT(Accordctl("backups list --backup_dir=" + dir.path() + "/none").out,
              HasSubstr("no backup folder at"));
  EXPECT_THAT(Accordctl("status --admin=unix:" + dir.path() + "/nobody.sock").out,
              HasSubstr("DOWN"));
  EXPECT_EQ(Accordctl("frobnicate").code, 2);
  // The admin socket is for the process's own user only.
  auto perms = fs::status(registry.data_dir() + "/admin.sock").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_EQ(registry.Stop(), 0);
}

// accordctl across a whole stack: status and backup of every store, and the commands that go
// through the gateway with an API key.
TEST(Accordctl, WholeStack) {
  TempDir backups;
  for (const char* service : {"REGISTRY", "ASSESSMENT", "RISK", "REVIEW"}) {
    setenv(absl::StrCat("ACCORD_", service, "_BACKUP_DIR").c_str(),
           absl::StrCat(backups.path(), "/", service).c_str(), 1);
  }
  Stack::Options options;
  options.review = true;
  options.gateway_flags = {"--backup_dir=" + backups.path() + "/GATEWAY"};
  Stack stack(options);
  ASSERT_TRUE(stack.ok()) << stack.error();
  std::string root = stack.dir().path();
  ASSERT_TRUE(stack.EnsureOfficer("keeper", "REGISTER_KEEPER"));
  std::string gateway = absl::StrCat("--gateway=127.0.0.1:", stack.gateway_grpc_port(),
                                     " --data_root=", root, " --officer=keeper");
  setenv("ACCORD_API_KEY", stack.api_key().c_str(), 1);

  Result status = Accordctl("status --data_root=" + root);
  ASSERT_EQ(status.code, 0) << status.out;
  for (const char* service : {"registry", "assessment", "risk", "review"}) {
    EXPECT_THAT(status.out, HasSubstr(service));
  }
  Result backup = Accordctl(absl::StrCat("backup --data_root=", root, " --admin=unix:", root,
                                      "/admin.sock --admin=unix:", root, "/registry/admin.sock"));
  ASSERT_EQ(backup.code, 0) << backup.out;
  EXPECT_THAT(backup.out, HasSubstr("gateway"));
  EXPECT_THAT(backup.out, HasSubstr("registry"));

  Result protocols = Accordctl("protocols list " + gateway);
  ASSERT_EQ(protocols.code, 0) << protocols.out;
  EXPECT_THAT(protocols.out, HasSubstr("protocols/bolsover"));
  Result shown = Accordctl("protocols show bolsover " + gateway);
  ASSERT_EQ(shown.code, 0) << shown.out;
  EXPECT_THAT(shown.out, HasSubstr("name: \"protocols/bolsover\""));

  std::string csv_path = root + "/register.csv";
  Result exported = Accordctl("export " + gateway);
  ASSERT_EQ(exported.code, 0) << exported.out;
  std::string header = exported.out.substr(0, exported.out.find('\n') + 1);
  {
    // One record with every column empty: at least the display name is missing.
    std::ofstream bad(csv_path);
    bad << header << std::string(std::count(header.begin(), header.end(), ','), ',') << "\n";
  }
  Result dry = Accordctl("import " + csv_path + " --dry_run " + gateway);
  EXPECT_EQ(dry.code, 1) << dry.out;
  EXPECT_THAT(dry.out, HasSubstr("row 2 column partnership_id"));
  EXPECT_THAT(dry.out, HasSubstr("nothing imported"));
  {
    std::ofstream good(csv_path);
    good << "partnership_id,display_name,lead_service\n"
         << "csv-trust,\"Imported Trust, Ltd\",Leisure\n";
  }
  Result checked = Accordctl("import " + csv_path + " --dry_run " + gateway);
  ASSERT_EQ(checked.code, 0) << checked.out;
  EXPECT_THAT(checked.out, HasSubstr("1 rows checked, no problems; nothing written"));
  EXPECT_THAT(Accordctl("export " + gateway).out, Not(HasSubstr("csv-trust")));
  Result imported = Accordctl("import " + csv_path + " " + gateway);
  ASSERT_EQ(imported.code, 0) << imported.out;
  Result again = Accordctl("export --format=json " + gateway);
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("Imported Trust, Ltd"));
  EXPECT_THAT(Accordctl("export --public " + gateway).out, HasSubstr("csv-trust"));

  Result no_key = Accordctl("protocols list --gateway=127.0.0.1:" +
                         std::to_string(stack.gateway_grpc_port()) + " --api_key_file=" + root +
                         "/missing");
  EXPECT_EQ(no_key.code, 1);
  EXPECT_THAT(no_key.out, HasSubstr("cannot read --api_key_file"));

  Result keys = Accordctl("keys list --admin_address=unix:" + root + "/admin.sock");
  ASSERT_EQ(keys.code, 0) << keys.out;
  EXPECT_THAT(keys.out, HasSubstr("client=integration-tests"));
  EXPECT_THAT(keys.out, Not(HasSubstr(stack.api_key())));
}

}  // namespace
}  // namespace accord::testing
