// The audit trail over a real store: append-only sequence, indexes by resource, officer and
// time, pagination and export.
#include "gateway/audit/audit_log.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::gateway {
namespace {

AuditQuery Query(std::string resource, std::string officer, std::string code) {
  AuditQuery query;
  query.resource = std::move(resource);
  query.officer = std::move(officer);
  query.code = std::move(code);
  return query;
}


using google::protobuf::util::TimeUtil;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    log_.reset();
    store_.reset();
    store_ = *storage::Store::Open(
        {.path = dir_.path(), .service = "gateway", .column_families = AuditLog::ColumnFamilies()});
    log_ = *AuditLog::Open(store_.get());
  }
  v1::AuditEntry Append(const std::string& resource, const std::string& officer, int64_t second,
                        const std::string& code = "OK") {
    v1::AuditEntry entry;
    entry.set_resource(resource);
    entry.set_officer(officer);
    entry.set_method("accord.registry.v1.RegistryService/UpdatePartnership");
    entry.set_code(code);
    *entry.mutable_time() = TimeUtil::SecondsToTimestamp(second);
    return *log_->Append(entry);
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, SequencesContinueAfterARestart) {
  EXPECT_EQ(Append("partnerships/a", "alice", 100).sequence(), 1);
  EXPECT_EQ(Append("partnerships/b", "bob", 101).sequence(), 2);
  Reopen();
  EXPECT_EQ(Append("partnerships/a", "", 102).sequence(), 3);
  EXPECT_EQ(log_->List({}, 0, "")->entries.size(), 3u);
}

TEST_F(AuditLogTest, QueriesByResourceOfficerTimeAndCodeUseTheirIndexes) {
  Append("partnerships/a", "alice", 100);
  Append("partnerships/b", "alice", 200, "PERMISSION_DENIED");
  Append("partnerships/a", "bob", 300);
  Append("partnerships/ab", "bob", 400);

  auto by_resource = *log_->List(Query("partnerships/a", "", ""), 0, "");
  ASSERT_EQ(by_resource.entries.size(), 2u);  // not partnerships/ab
  EXPECT_EQ(by_resource.entries[0].officer(), "alice");
  EXPECT_EQ(by_resource.entries[1].officer(), "bob");

  auto by_officer = *log_->List(Query("", "alice", ""), 0, "");
  ASSERT_EQ(by_officer.entries.size(), 2u);

  AuditQuery window;
  window.start = absl::FromUnixSeconds(200);
  window.end = absl::FromUnixSeconds(400);
  auto by_time = *log_->List(window, 0, "");
  ASSERT_EQ(by_time.entries.size(), 2u);
  EXPECT_EQ(by_time.entries[0].sequence(), 2);
  EXPECT_EQ(by_time.entries[1].sequence(), 3);

  auto denials = *log_->List(Query("", "", "PERMISSION_DENIED"), 0, "");
  ASSERT_EQ(denials.entries.size(), 1u);
  EXPECT_EQ(denials.entries[0].resource(), "partnerships/b");

  EXPECT_EQ(log_->List(Query("x", "y", ""), 0, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditLogTest, PagesFollowTheTokenAndTheTokenKeepsItsQuery) {
  for (int i = 0; i < 5; ++i) Append("partnerships/a", "alice", 100 + i);
  Append("partnerships/z", "alice", 200);
  auto first = *log_->List(Query("partnerships/a", "", ""), 2, "");
  ASSERT_EQ(first.entries.size(), 2u);
  ASSERT_FALSE(first.next_page_token.empty());
  auto second = *log_->List(Query("partnerships/a", "", ""), 2, first.next_page_token);
  ASSERT_EQ(second.entries.size(), 2u);
  EXPECT_EQ(second.entries[0].sequence(), 3);
  auto third = *log_->List(Query("partnerships/a", "", ""), 2, second.next_page_token);
  ASSERT_EQ(third.entries.size(), 1u);
  EXPECT_TRUE(third.next_page_token.empty());
  EXPECT_EQ(log_->List(Query("", "alice", ""), 2, first.next_page_token).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditLogTest, ExportWritesOneJsonLinePerEntry) {
  Append("partnerships/a", "alice", 100);
  Append("partnerships/b", "bob", 200);
  auto lines = log_->ExportJsonLines({}, 1000);
  ASSERT_TRUE(lines.ok());
  std::vector<std::string> split = absl::StrSplit(*lines, '\n', absl::SkipEmpty());
  ASSERT_EQ(split.size(), 2u);
  EXPECT_TRUE(absl::StrContains(split[0], "\"resource\":\"partnerships/a\""));
}

}  // namespace
}  // namespace accord::gateway
