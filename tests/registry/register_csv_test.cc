// CSV import and export of the register, and finance's figures, over a real RocksDB.
#include "absl/strings/str_cat.h"
#include "common/storage/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registry/domain/register_csv.h"
#include "services/registry/registry.h"
#include "tests/common/temp_dir.h"

namespace accord::registry {
namespace {

using ::testing::HasSubstr;

constexpr char kGoodCsv[] =
    "Partnership ID,Display Name,Remit,Lead Service,Lead Officer,Key Partnership,"
    "Council Contribution Pounds,Partners,Corporate Aims,State,Confidential\r\n"
    "leisure-trust,Leisure Trust,\"Sport, leisure and \"\"wellbeing\"\"\",Leisure,A Officer,yes,"
    "\"£12,500.50\",Bolsover CVS [VOLUNTARY]; Derbyshire County Council [PUBLIC],Healthy lives,"
    "ACTIVE,CONTRIBUTION\r\n"
    "community-safety,Community Safety Partnership,,Policy,,no,0,,,PROPOSED,\r\n";

class RegisterCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open({.path = dir_.path(), .service = "registry",
                                       .schema_version = 1,
                                       .column_families = Registry::ColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    registry_ = std::make_unique<Registry>(store_.get());
  }

  absl::StatusOr<v1::ImportPartnershipsResponse> Import(const std::string& csv, bool dry) {
    v1::ImportPartnershipsRequest request;
    request.set_csv(csv);
    request.set_validate_only(dry);
    return registry_->Import(request);
  }

  accord::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Registry> registry_;
};

TEST(RegisterCsv, ParsesQuotedFieldsWithCommasQuotesAndNewlines) {
  auto records = ParseCsv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\n");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1][0], "x, y");
  EXPECT_EQ((*records)[1][1], "say \"hi\"\nthere");
  EXPECT_FALSE(ParseCsv("a\n\"open").ok());
}

TEST_F(RegisterCsvTest, DryRunReportsEveryBadRowAndFieldAndWritesNothing) {
  std::string csv = absl::StrCat(
      kGoodCsv,
      "Bad_Id,,Remit,,Officer,maybe,-5,,,NOT_A_STATE,SECRET\r\n",  // row 4
      "leisure-trust,Duplicate,,Policy,,no,abc,Org [MARTIAN],,,\r\n");  // row 5
  auto report = Import(csv, /*dry=*/true);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->row_count(), 4);
  std::vector<std::string> found;
  for (const auto& p : report->problems()) {
    found.push_back(absl::StrCat(p.row(), ":", p.column()));
  }
  EXPECT_THAT(found, ::testing::IsSupersetOf(
                         {"4:partnership_id", "4:display_name", "4:lead_service",
                          "4:key_partnership", "4:council_contribution_pounds", "4:state",
                          "4:confidential", "5:partnership_id", "5:council_contribution_pounds",
                          "5:partners"}));
  for (const auto& p : report->problems()) {
    if (p.column() == "council_contribution_pounds" && p.row() == 4) {
      EXPECT_THAT(p.description(), HasSubstr("must be zero or more"));
    }
  }
  EXPECT_EQ(store_->latest_sequence(), 0);  // nothing written
  EXPECT_FALSE(registry_->Get("partnerships/leisure-trust").ok());
}

TEST_F(RegisterCsvTest, OneBadRowImportsNothing) {
  std::string csv = absl::StrCat(kGoodCsv, "parks-forum,,,Parks,,no,,,,,\r\n");
  auto result = Import(csv, /*dry=*/false);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("rows[4].display_name: is required"));
  EXPECT_EQ(store_->latest_sequence(), 0);
  EXPECT_FALSE(registry_->Get("partnerships/leisure-trust").ok());
}

TEST_F(RegisterCsvTest, ImportsAllRowsInOneBatchWithAnEventEachAndRefusesThemAgain) {
  auto result = Import(kGoodCsv, /*dry=*/false);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created_size(), 2);
  EXPECT_EQ(store_->latest_sequence(), 2);
  auto p = registry_->Get("partnerships/leisure-trust");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->state(), v1::ACTIVE);
  EXPECT_EQ(p->council_contribution().money_pence(), 1250050);
  EXPECT_EQ(p->remit(), "Sport, leisure and \"wellbeing\"");
  ASSERT_EQ(p->partners_size(), 2);
  EXPECT_EQ(p->partners(0).sector(), v1::VOLUNTARY);
  auto again = Import(kGoodCsv, /*dry=*/true);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->problems_size(), 2);
  EXPECT_THAT(again->problems(0).description(), HasSubstr("already in the register"));
}

TEST_F(RegisterCsvTest, AnExportImportsIntoAnEmptyRegisterUnchanged) {
  ASSERT_TRUE(Import(kGoodCsv, false).ok());
  v1::ExportPartnershipsRequest request;
  auto exported = registry_->Export(request);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->count(), 2);

  accord::testing::TempDir other_dir;
  auto other_store = storage::Store::Open({.path = other_dir.path(), .service = "registry",
                                           .schema_version = 1,
                                           .column_families = Registry::ColumnFamilies()});
  Registry other(other_store->get());
  v1::ImportPartnershipsRequest again;
  again.set_csv(exported->csv());
  ASSERT_TRUE(other.Import(again).ok());
  auto second = other.Export(request);
  EXPECT_EQ(second->csv(), exported->csv());

  request.set_format("json");
  auto json = registry_->Export(request);
  ASSERT_EQ(json->partnerships_size(), 2);
  request.set_format("xml");
  EXPECT_THAT(std::string(registry_->Export(request).status().message()), HasSubstr("format"));
}

TEST_F(RegisterCsvTest, ThePublicExportLeavesOutConfidentialGroups) {
  ASSERT_TRUE(Import(kGoodCsv, false).ok());
  auto exported = registry_->ExportPublic({});
  ASSERT_TRUE(exported.ok());
  EXPECT_THAT(exported->csv(), ::testing::Not(HasSubstr("12500.50")));
  EXPECT_THAT(exported->csv(), ::testing::Not(HasSubstr("confidential")));
  EXPECT_THAT(exported->csv(), HasSubstr("Leisure Trust"));
}

TEST_F(RegisterCsvTest, FinanceRecordsSpendPerYearAndNegativeAmountsAreRefusedByName) {
  ASSERT_TRUE(Import(kGoodCsv, false).ok());
  v1::RecordFinancialYearRequest request;
  request.set_name("partnerships/community-safety");
  request.mutable_financial_year()->set_start_year(2025);
  request.mutable_financial_year()->set_committed_contribution_pence(500000);
  request.mutable_financial_year()->set_actual_spend_pence(-1);
  server::Caller finance{.client = "finance-ledger"};
  auto refused = registry_->RecordFinancialYear(request, finance);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("financial_year.actual_spend_pence: must be zero or more; got -1"));
  request.mutable_financial_year()->set_actual_spend_pence(123456);
  EXPECT_EQ(registry_->RecordFinancialYear(request, server::Caller{}).status().code(),
            absl::StatusCode::kUnauthenticated);  // the figures say who recorded them
  ASSERT_TRUE(registry_->RecordFinancialYear(request, finance).ok());
  request.mutable_financial_year()->set_actual_spend_pence(200000);
  auto updated = registry_->RecordFinancialYear(request, finance);
  ASSERT_TRUE(updated.ok());
  ASSERT_EQ(updated->financial_years_size(), 1);  // the year is replaced, not added twice
  EXPECT_EQ(updated->financial_years(0).actual_spend_pence(), 200000);
  EXPECT_EQ(updated->financial_years(0).recorded_by(), "client:finance-ledger");
  auto events = store_->ReadEvents(2, 10);
  EXPECT_EQ(events->size(), 2u);  // one event per recorded year
}

}  // namespace
}  // namespace accord::registry
