// Schema evolution with the real binary: a register store written by the previous release
// (schema 1, tests/integration/testdata/registry_store_v1) is migrated on start and keeps
// its records, its feed and its remembered request ids; a store from a newer release is
// refused with a message naming both versions, and is left as it was.
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/storage/store.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::testing {
namespace {

namespace reg = accord::registry::v1;
using ::testing::HasSubstr;

std::unique_ptr<Process> StartRegistry(const std::string& dir) {
  return std::make_unique<Process>(
      ACCORD_REGISTRY_BIN,
      std::vector<std::string>{"--data_dir=" + dir + "/registry", "--grpc_port=0",
                               "--metrics_port=-1", "--port_file=" + dir + "/registry.port",
                               "--assessment_address=127.0.0.1:1"},
      dir + "/registry.log");
}

TEST(Upgrade, APreviousReleasesStoreIsMigratedWithEverythingKept) {
  TempDir dir;
  std::filesystem::copy(ACCORD_SOURCE_DIR "/tests/integration/testdata/registry_store_v1",
                        dir.path() + "/registry");
  auto registry = StartRegistry(dir.path());
  int port = WaitForPortFile(dir.path() + "/registry.port");
  ASSERT_NE(port, 0) << Tail(dir.path() + "/registry.log");
  EXPECT_THAT(Tail(dir.path() + "/registry.log"),
              HasSubstr(R"("msg":"migrating store")"));
  auto stub = reg::RegistryService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));

  for (int i = 1; i <= 3; ++i) {
    grpc::ClientContext ctx;
    reg::GetPartnershipRequest get;
    get.set_name(absl::StrCat("partnerships/v1-made-", i));
    reg::Partnership p;
    ASSERT_TRUE(stub->GetPartnership(&ctx, get, &p).ok()) << get.name();
    EXPECT_EQ(p.display_name(), absl::StrCat("Made by v1 number ", i));
  }
  auto feed = [&] {
    grpc::ClientContext ctx;
    events::v1::ListEventsRequest request;
    request.set_page_size(100);
    events::v1::ListEventsResponse response;
    EXPECT_TRUE(stub->ListEvents(&ctx, request, &response).ok());
    return response;
  };
  EXPECT_EQ(feed().events_size(), 3);

  // The gateway sent Idempotency-Key v1-create-1 as request_id: a retry is still answered
  // from the migrated record, not created again.
  grpc::ClientContext ctx;
  reg::CreatePartnershipRequest retry;
  retry.set_partnership_id("v1-made-1");
  retry.set_request_id("v1-create-1");
  retry.mutable_partnership()->set_display_name("Made by v1 number 1");
  retry.mutable_partnership()->set_lead_service("Policy");
  reg::Partnership answered;
  grpc::Status status = stub->CreatePartnership(&ctx, retry, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered.name(), "partnerships/v1-made-1");
  EXPECT_EQ(feed().events_size(), 3) << "the retry created again";
  EXPECT_EQ(registry->Terminate(), 0);

  // Once migrated, a restart does not migrate again.
  auto again = StartRegistry(dir.path());
  std::filesystem::remove(dir.path() + "/registry.port");
  ASSERT_NE(WaitForPortFile(dir.path() + "/registry.port"), 0);
  EXPECT_EQ(again->Terminate(), 0);
}

TEST(Upgrade, AStoreFromANewerReleaseIsRefusedAndLeftAsItWas) {
  TempDir dir;
  {
    auto newer = storage::Store::Open({.path = dir.path() + "/registry",
                                       .service = "registry",
                                       .schema_version = storage::kSchemaVersion + 1});
    ASSERT_TRUE(newer.ok()) << newer.status();
  }
  auto registry = StartRegistry(dir.path());
  for (int i = 0; i < 200 && registry->running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_FALSE(registry->running()) << "it served a store it cannot read";
  EXPECT_NE(registry->Terminate(), 0);
  EXPECT_THAT(Tail(dir.path() + "/registry.log"),
              HasSubstr(absl::StrCat("has schema version ", storage::kSchemaVersion + 1,
                                     "; this build reads up to ", storage::kSchemaVersion)));
  // Still the newer release's store: it opens at its own version (the refused binary may
  // have added its empty column families, which hold no data).
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.path() + "/registry", &families).ok());
  std::erase_if(families, [](const std::string& f) {
    return f == "default" || f == "events" || f == "requests" || f == "request_times";
  });
  auto reopened = storage::Store::Open({.path = dir.path() + "/registry",
                                        .service = "registry",
                                        .schema_version = storage::kSchemaVersion + 1,
                                        .column_families = families});
  EXPECT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->opened_at_version(), storage::kSchemaVersion + 1);
}

}  // namespace
}  // namespace accord::testing
