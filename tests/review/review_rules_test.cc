#include "services/review/domain/review_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/review/domain/calendar_date.h"
#include "tests/review/test_protocols.h"

namespace accord::review {
namespace {

using ::testing::HasSubstr;
using testing::CouncilProtocol;

v1::Review CompleteReview() {
  v1::Review review;
  review.set_type(accord::assessment::v1::ANNUAL_REVIEW);
  review.set_period_start("2025-04-01");
  review.set_period_end("2026-03-31");
  auto* m = review.add_performance();
  m->set_measure("Families re-housed");
  m->set_target("120");
  m->set_actual("95");
  m->set_rating(v1::AMBER);
  review.set_partners_strength("All partners stable");
  review.set_recommendation(v1::CONTINUE);
  return review;
}

TEST(ReviewRules, ACompleteReviewPasses) {
  EXPECT_TRUE(ValidateReview(CompleteReview(), "review.", absl::CivilDay(2026, 4, 10)).ok());
}

TEST(ReviewRules, EveryMissingPartIsNamed) {
  v1::Review review;
  review.set_period_start("2026-04-01");
  review.set_period_end("2026-03-31");
  review.add_performance()->set_measure("Visits");
  review.set_recommendation(v1::EXIT);
  review.set_completed_date("2026-05-01");
  absl::Status status = ValidateReview(review, "review.", absl::CivilDay(2026, 4, 10));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* part :
       {"review.type: is required", "review.period_end: must not be before period_start",
        "review.performance[0].target: is required", "review.performance[0].rating",
        "review.partners_strength: is required", "review.recommendation_reason: is required",
        "review.completed_date: must not be in the future"}) {
    EXPECT_THAT(status.message(), HasSubstr(part));
  }
}

TEST(ReviewRules, DerbyWantsABusinessCaseSignedByAStrategicDirector) {
  auto derby = CouncilProtocol("derby");
  v1::Review review = CompleteReview();
  absl::Status missing = CheckReviewBusinessCase(review, derby, {"STRATEGIC_DIRECTOR"});
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("review.business_case.reference: is required"));
  review.mutable_business_case()->set_reference("BC/2026/7");
  absl::Status wrong = CheckReviewBusinessCase(review, derby, {"HEAD_OF_SERVICE"});
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(wrong.message(), HasSubstr("STRATEGIC_DIRECTOR"));
  EXPECT_TRUE(CheckReviewBusinessCase(review, derby, {"STRATEGIC_DIRECTOR"}).ok());
  EXPECT_TRUE(CheckReviewBusinessCase(CompleteReview(), CouncilProtocol("bolsover"), {}).ok());
}

TEST(ReviewRules, AnExitStrategyAnswersTheSevenQuestions) {
  v1::ExitStrategy strategy;
  strategy.set_end_arrangements("Wind down over 6 months");
  absl::Status status = ValidateExitStrategy(strategy, "exit_strategy.");
  for (const char* field : {"mainstreaming", "council_leaving", "resources_returned",
                            "residual_liabilities", "impact_assessment", "review_frequency",
                            "review_date"}) {
    EXPECT_THAT(status.message(), HasSubstr(std::string("exit_strategy.") + field));
  }
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("end_arrangements")));
}

TEST(ReviewRules, AnExitNeedsDateLiabilitiesAndReason) {
  v1::Exit exit;
  exit.set_exit_date("2026-02-30");
  absl::Status status = ValidateExit(exit, "exit.");
  EXPECT_THAT(status.message(), HasSubstr("exit.exit_date: must be a date"));
  EXPECT_THAT(status.message(), HasSubstr("exit.residual_liabilities: is required"));
  EXPECT_THAT(status.message(), HasSubstr("exit.reason: is required"));
}

}  // namespace
}  // namespace accord::review
