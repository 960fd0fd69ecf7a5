#include "services/review/domain/review_schedule.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/review/domain/calendar_date.h"
#include "tests/review/test_protocols.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::CouncilProtocol;

absl::CivilDay Day(const std::string& text) { return *ParseDate(text, "d"); }

std::vector<assessment::ReviewType> Types(const std::vector<ReviewCadence>& cadences) {
  std::vector<assessment::ReviewType> types;
  for (const auto& c : cadences) types.push_back(c.type());
  return types;
}

std::map<assessment::ReviewType, std::string> DueDates(const std::vector<v1::DueItem>& items) {
  std::map<assessment::ReviewType, std::string> dates;
  for (const auto& item : items) dates[item.type()] = item.due_date();
  return dates;
}

TEST(ReviewCadence, LimitedIsReviewedWithTheServicePlan) {
  EXPECT_THAT(Types(RequiredCadences(CouncilProtocol("chorley"), assessment::LIMITED, false)),
              ElementsAre(assessment::SERVICE_PLAN_REVIEW));
}

TEST(ReviewCadence, ModerateAndMajorHaveAnAnnualReview) {
  auto protocol = CouncilProtocol("bolsover");
  for (auto tier : {assessment::MODERATE, assessment::MAJOR}) {
    auto cadences = RequiredCadences(protocol, tier, false);
    ASSERT_THAT(Types(cadences), ElementsAre(assessment::ANNUAL_REVIEW));
    EXPECT_EQ(cadences[0].every_months(), 12);
  }
}

TEST(ReviewCadence, AKeyPartnershipAddsReportReviewAndGovernanceItem) {
  auto cadences = RequiredCadences(CouncilProtocol("chorley"), assessment::MAJOR, true);
  EXPECT_THAT(Types(cadences),
              ElementsAre(assessment::ANNUAL_REVIEW, assessment::PERFORMANCE_REPORT,
                          assessment::RELEVANCE_REVIEW, assessment::GOVERNANCE_AGENDA));
  EXPECT_EQ(cadences[1].every_months(), 6);
  EXPECT_EQ(cadences[2].every_months(), 36);
  EXPECT_EQ(cadences[3].every_months(), 12);
  EXPECT_THAT(Types(RequiredCadences(CouncilProtocol("chorley"), assessment::LIMITED, true)),
              ElementsAre(assessment::SERVICE_PLAN_REVIEW, assessment::PERFORMANCE_REPORT,
                          assessment::RELEVANCE_REVIEW, assessment::GOVERNANCE_AGENDA));
}

TEST(ReviewCadence, TheKeyFlagAddsNothingWhereTheProtocolHasNoKeyRules) {
  EXPECT_THAT(Types(RequiredCadences(CouncilProtocol("bolsover"), assessment::MAJOR, true)),
              ElementsAre(assessment::ANNUAL_REVIEW));
}

TEST(ReviewSchedule, FirstDueDatesCountFromTheApprovalOnALeapDay) {
  auto cadences = RequiredCadences(CouncilProtocol("chorley"), assessment::MAJOR, true);
  auto items = Reschedule({}, cadences, Day("2024-02-29"), Day("2024-02-29"));
  auto due = DueDates(items);
  EXPECT_EQ(due[assessment::ANNUAL_REVIEW], "2025-02-28");
  EXPECT_EQ(due[assessment::PERFORMANCE_REPORT], "2024-08-29");
  EXPECT_EQ(due[assessment::RELEVANCE_REVIEW], "2027-02-28");
  EXPECT_EQ(due[assessment::GOVERNANCE_AGENDA], "2025-02-28");
  EXPECT_EQ(items[0].form(), "Annual Review Form (Appendix E)");
}

TEST(ReviewSchedule, BecomingKeyAddsItemsOnTheNextAnniversaryAndKeepsTheRest) {
  auto protocol = CouncilProtocol("chorley");
  auto approval = Day("2026-01-31");
  auto before = Reschedule({}, RequiredCadences(protocol, assessment::MAJOR, false), approval,
                           approval);
  ASSERT_EQ(DueDates(before)[assessment::ANNUAL_REVIEW], "2027-01-31");
  auto after = Reschedule(before, RequiredCadences(protocol, assessment::MAJOR, true), approval,
                          Day("2026-09-10"));
  auto due = DueDates(after);
  EXPECT_EQ(due.size(), 4u);
  EXPECT_EQ(due[assessment::ANNUAL_REVIEW], "2027-01-31");
  // 2026-07-31 has passed by 2026-09-10; the next six-monthly date is 2027-01-31.
  EXPECT_EQ(due[assessment::PERFORMANCE_REPORT], "2027-01-31");
  EXPECT_EQ(due[assessment::GOVERNANCE_AGENDA], "2027-01-31");
  EXPECT_EQ(due[assessment::RELEVANCE_REVIEW], "2029-01-31");
}

TEST(ReviewSchedule, LosingTheKeyFlagOrChangingTierDropsWhatIsNoLongerRequired) {
  auto protocol = CouncilProtocol("chorley");
  auto approval = Day("2026-03-31");
  auto key = Reschedule({}, RequiredCadences(protocol, assessment::LIMITED, true), approval,
                        approval);
  ASSERT_EQ(key.size(), 4u);
  auto plain = Reschedule(key, RequiredCadences(protocol, assessment::LIMITED, false), approval,
                          Day("2026-05-01"));
  EXPECT_THAT(DueDates(plain), ::testing::SizeIs(1));
  EXPECT_EQ(DueDates(plain)[assessment::SERVICE_PLAN_REVIEW], "2027-03-31");
  auto moderate = Reschedule(plain, RequiredCadences(protocol, assessment::MODERATE, false),
                             approval, Day("2026-06-15"));
  auto due = DueDates(moderate);
  EXPECT_EQ(due.size(), 1u);
  EXPECT_EQ(due[assessment::ANNUAL_REVIEW], "2027-03-31");
}

TEST(ReviewSchedule, CompletingAReviewSchedulesTheNextFromItsDate) {
  auto protocol = CouncilProtocol("chorley");
  auto items = Reschedule({}, RequiredCadences(protocol, assessment::MAJOR, true),
                          Day("2025-08-31"), Day("2025-08-31"));
  ASSERT_TRUE(CompleteDueItem(items, assessment::PERFORMANCE_REPORT, Day("2026-02-28")).ok());
  auto due = DueDates(items);
  EXPECT_EQ(due[assessment::PERFORMANCE_REPORT], "2026-08-28");
  EXPECT_EQ(due[assessment::ANNUAL_REVIEW], "2026-08-31");
  for (const auto& item : items) {
    if (item.type() == assessment::PERFORMANCE_REPORT) {
      EXPECT_EQ(item.last_done_date(), "2026-02-28");
    }
  }
}

TEST(ReviewSchedule, CompletingAnUnscheduledTypeIsRefusedNamingTheField) {
  auto items = Reschedule({}, RequiredCadences(CouncilProtocol("bolsover"), assessment::LIMITED,
                                               false),
                          Day("2026-01-01"), Day("2026-01-01"));
  absl::Status refused = CompleteDueItem(items, assessment::ANNUAL_REVIEW, Day("2026-06-01"));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("review.type: ANNUAL_REVIEW is not on this"));
  EXPECT_THAT(refused.message(), HasSubstr("SERVICE_PLAN_REVIEW"));
}

TEST(ReviewSchedule, AnItemIsOverdueFromTheDayAfterItsDueDate) {
  v1::DueItem item;
  item.set_due_date("2028-02-29");
  EXPECT_FALSE(IsOverdue(item, Day("2028-02-28")));
  EXPECT_FALSE(IsOverdue(item, Day("2028-02-29")));
  EXPECT_TRUE(IsOverdue(item, Day("2028-03-01")));
}

}  // namespace
}  // namespace accord::review
