// The annual report's figures against a hand-built register.
#include "services/review/domain/annual_report.h"

#include "accord/registry/v1/partnership.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
using ::testing::HasSubstr;

v1::TrackedPartnership Record(const std::string& id, registry::State state,
                              assessment::Tier tier, const std::string& created,
                              const std::string& closed, int64_t money, int64_t in_kind) {
  v1::TrackedPartnership r;
  r.set_name("partnerships/" + id);
  r.set_state(state);
  r.set_tier(tier);
  r.set_created_date(created);
  r.set_closed_date(closed);
  r.set_money_pence(money);
  r.set_in_kind_pence(in_kind);
  return r;
}

std::map<std::string, int> AsMap(const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  std::map<std::string, int> map;
  for (const auto& c : counts) map[c.key()] = c.count();
  return map;
}

TEST(AnnualReport, FiguresOfAHandBuiltRegister) {
  std::vector<v1::TrackedPartnership> records = {
      // On the register all year.
      Record("leisure", registry::ACTIVE, assessment::MAJOR, "2024-05-01", "", 500000, 100000),
      // Entered in 2026.
      Record("youth", registry::ACTIVE, assessment::MODERATE, "2026-02-10", "", 200000, 0),
      // Entered in 2026, not assessed yet.
      Record("arts", registry::SCREENED, assessment::TIER_UNSPECIFIED, "2026-11-30", "", 0, 0),
      // Exited in 2026: counted (on the register during the year) and as exited.
      Record("waste", registry::CLOSED, assessment::LIMITED, "2023-01-01", "2026-06-30", 1000,
             2000),
      // Closed in 2025: not on the 2026 register.
      Record("old", registry::CLOSED, assessment::LIMITED, "2020-01-01", "2025-03-01", 9, 9),
      // Entered 2027: not yet.
      Record("future", registry::PROPOSED, assessment::TIER_UNSPECIFIED, "2027-01-02", "", 7, 7),
      // Screened out in 2026: entered, but not a partnership on the register.
      Record("notone", registry::SCREENED_OUT, assessment::TIER_UNSPECIFIED, "2026-03-03", "",
             5, 5),
  };
  v1::DueItem overdue;
  overdue.set_type(assessment::ANNUAL_REVIEW);
  overdue.set_due_date("2026-12-31");
  *records[0].add_items() = overdue;
  v1::DueItem later = overdue;
  later.set_due_date("2027-01-01");
  *records[1].add_items() = later;

  std::vector<CompletedReview> reviews = {{"2026-01-15", assessment::ANNUAL_REVIEW},
                                          {"2026-07-01", assessment::PERFORMANCE_REPORT},
                                          {"2026-12-31", assessment::PERFORMANCE_REPORT},
                                          {"2025-12-31", assessment::ANNUAL_REVIEW}};
  v1::AnnualReport report = AnnualFigures(2026, records, reviews, absl::CivilDay(2027, 2, 1));
  EXPECT_EQ(report.name(), "annualReports/2026");
  EXPECT_EQ(report.partnerships(), 4);
  EXPECT_EQ(AsMap(report.by_tier()),
            (std::map<std::string, int>{{"LIMITED", 1}, {"MAJOR", 1}, {"MODERATE", 1},
                                        {"UNASSESSED", 1}}));
  EXPECT_EQ(AsMap(report.by_state()),
            (std::map<std::string, int>{{"ACTIVE", 2}, {"CLOSED", 1}, {"SCREENED", 1}}));
  EXPECT_EQ(report.reviews_done(), 3);
  EXPECT_EQ(AsMap(report.reviews_done_by_type()),
            (std::map<std::string, int>{{"ANNUAL_REVIEW", 1}, {"PERFORMANCE_REPORT", 2}}));
  EXPECT_EQ(report.overdue_as_of_date(), "2027-01-01");
  EXPECT_EQ(report.reviews_overdue(), 1);
  EXPECT_EQ(report.money_pence(), 701000);
  EXPECT_EQ(report.in_kind_pence(), 102000);
  EXPECT_EQ(report.committed_pence(), 803000);
  EXPECT_EQ(report.entered(), 3);
  EXPECT_EQ(report.exited(), 1);
  EXPECT_THAT(report.csv(), HasSubstr("section,key,value\nyear,year,2026\n"));
  EXPECT_THAT(report.csv(), HasSubstr("tier,MAJOR,1\n"));
  EXPECT_THAT(report.csv(), HasSubstr("money,committed_pence,803000\n"));
  EXPECT_THAT(report.csv(), HasSubstr("movement,exited,1\n"));
}

TEST(AnnualReport, OverdueIsJudgedTodayWhileTheYearRuns) {
  std::vector<v1::TrackedPartnership> records = {
      Record("leisure", registry::ACTIVE, assessment::MAJOR, "2024-05-01", "", 0, 0)};
  v1::DueItem item;
  item.set_due_date("2026-06-30");
  *records[0].add_items() = item;
  EXPECT_EQ(AnnualFigures(2026, records, {}, absl::CivilDay(2026, 6, 30)).reviews_overdue(), 0);
  auto report = AnnualFigures(2026, records, {}, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(report.reviews_overdue(), 1);
  EXPECT_EQ(report.overdue_as_of_date(), "2026-07-01");
}

}  // namespace
}  // namespace accord::review
