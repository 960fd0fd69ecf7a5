// The keeper's compliance view: each anomaly appears, and disappears when fixed, as the
// feeds tell the review service what happened.
#include "services/review/domain/compliance_rules.h"

#include "accord/assessment/v1/assessment.pb.h"
#include "accord/registry/v1/partnership.pb.h"
#include "accord/risk/v1/risk.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/review/domain/calendar_date.h"
#include "services/review/domain/partnership_tracking.h"
#include "tests/review/test_protocols.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
namespace risk = accord::risk::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::CouncilProtocol;

events::v1::Event EventOf(const google::protobuf::Message& resource, const std::string& name,
                          const std::string& action, const std::string& date = "2026-03-02") {
  events::v1::Event event;
  event.set_resource_name(name);
  event.set_action(action);
  event.set_kind(events::v1::UPDATED);
  event.mutable_resource()->PackFrom(resource);
  google::protobuf::Timestamp time;
  google::protobuf::util::TimeUtil::FromString(date + "T10:00:00Z", &time);
  *event.mutable_commit_time() = time;
  return event;
}

class Compliance : public ::testing::Test {
 protected:
  void SetUp() override {
    record_.set_name("partnerships/lsp");
    registry::Partnership p;
    p.set_name("partnerships/lsp");
    p.set_display_name("Local Strategic Partnership");
    p.set_state(registry::PROPOSED);
    Register(p);
  }

  void Register(const registry::Partnership& p) {
    ReactToRegister(record_, EventOf(p, p.name(), ""));
    partnership_ = p;
  }
  void Assessment(const google::protobuf::Message& resource, const std::string& name,
                  const std::string& action) {
    ReactToAssessment(record_, EventOf(resource, name, action));
  }
  void Move(registry::State state) {
    partnership_.set_state(state);
    Register(partnership_);
  }

  std::vector<v1::AnomalyKind> Kinds(const std::string& as_of = "2026-03-02") {
    std::vector<v1::AnomalyKind> kinds;
    for (const auto& a : StandingAnomalies(record_, &protocol_)) kinds.push_back(a.kind());
    for (const auto& a : OverdueAnomalies(record_, *ParseDate(as_of, "as_of"))) {
      kinds.push_back(a.kind());
    }
    return kinds;
  }

  void Screen() {
    assessment::Screening screening;
    screening.set_outcome(assessment::IS_PARTNERSHIP);
    Assessment(screening, "partnerships/lsp/screenings/s1", "screened");
    Move(registry::SCREENED);
  }
  void Assess(assessment::Tier tier) {
    assessment::Assessment assessed;
    assessed.set_final_tier(tier);
    assessed.set_protocol("protocols/chorley");
    assessed.set_protocol_version(1);
    Assessment(assessed, "partnerships/lsp/assessments/a1", "assessed");
    partnership_.set_tier(static_cast<registry::Tier>(tier));  // as the register follows it
    Move(registry::ASSESSED);
  }
  void Evaluate(assessment::Evaluation::State state, const std::string& action,
                bool memorandum = false) {
    assessment::Evaluation evaluation;
    evaluation.set_name("partnerships/lsp/evaluations/e1");
    evaluation.set_kind(assessment::FULL_EVALUATION);
    evaluation.set_state(state);
    if (memorandum) evaluation.mutable_memorandum_approval()->set_officer("gov");
    Assessment(evaluation, evaluation.name(), action);
  }

  assessment::Protocol protocol_ = CouncilProtocol("chorley");
  v1::TrackedPartnership record_;
  registry::Partnership partnership_;
};

TEST_F(Compliance, AnUnscreenedProposalIsFlaggedUntilScreened) {
  EXPECT_THAT(Kinds(), ElementsAre(v1::NOT_SCREENED));
  Screen();
  EXPECT_THAT(Kinds(), ElementsAre(v1::NOT_ASSESSED));
  Assess(assessment::MAJOR);
  EXPECT_THAT(Kinds(), ElementsAre(v1::DOCUMENT_MISSING));
}

TEST_F(Compliance, TheDocumentThenItsSignOffAreFlaggedUntilApproved) {
  Screen();
  Assess(assessment::MAJOR);
  Evaluate(assessment::Evaluation::DRAFT, "evaluation_started");
  EXPECT_THAT(Kinds(), ElementsAre(v1::DOCUMENT_MISSING));
  Evaluate(assessment::Evaluation::SUBMITTED, "submitted");
  EXPECT_THAT(Kinds(), ElementsAre(v1::SIGN_OFF_MISSING));
  Evaluate(assessment::Evaluation::APPROVED, "approved");
  Move(registry::ACTIVE);
  EXPECT_THAT(Kinds(), ElementsAre(v1::EXIT_STRATEGY_MISSING));
  record_.set_has_exit_strategy(true);
  EXPECT_THAT(Kinds(), IsEmpty());
}

TEST_F(Compliance, ADocumentOfTheWrongKindDoesNotCount) {
  Screen();
  Assess(assessment::MODERATE);  // Chorley: a basic evaluation
  Evaluate(assessment::Evaluation::APPROVED, "approved");  // but a full one was approved
  EXPECT_THAT(Kinds(), ElementsAre(v1::DOCUMENT_MISSING));
}

TEST_F(Compliance, MajorRisksAreFlaggedUntilTheCorporateRegisterAcknowledgesThem) {
  Screen();
  Assess(assessment::MAJOR);
  Evaluate(assessment::Evaluation::APPROVED, "approved");
  record_.set_has_exit_strategy(true);
  risk::Risk r;
  r.set_name("partnerships/lsp/risks/r1");
  r.set_state(risk::Risk::OPEN);
  r.mutable_escalation()->set_state(risk::Escalation::PENDING);
  ReactToRisk(record_, EventOf(r, r.name(), ""));
  EXPECT_THAT(Kinds(), ElementsAre(v1::RISKS_NOT_ESCALATED));
  r.mutable_escalation()->set_state(risk::Escalation::ACKNOWLEDGED);
  ReactToRisk(record_, EventOf(r, r.name(), ""));
  EXPECT_THAT(Kinds(), IsEmpty());
  // A second pending risk, later closed, flags and clears again.
  risk::Risk r2 = r;
  r2.set_name("partnerships/lsp/risks/r2");
  r2.mutable_escalation()->set_state(risk::Escalation::PENDING);
  ReactToRisk(record_, EventOf(r2, r2.name(), ""));
  EXPECT_THAT(Kinds(), ElementsAre(v1::RISKS_NOT_ESCALATED));
  r2.set_state(risk::Risk::CLOSED);
  ReactToRisk(record_, EventOf(r2, r2.name(), ""));
  EXPECT_THAT(Kinds(), IsEmpty());
}

TEST_F(Compliance, RisksOfAModeratePartnershipNeedNoEscalation) {
  Screen();
  Assess(assessment::MODERATE);
  risk::Risk r;
  r.set_name("partnerships/lsp/risks/r1");
  r.set_state(risk::Risk::OPEN);
  r.mutable_escalation()->set_state(risk::Escalation::NOT_REQUIRED);
  ReactToRisk(record_, EventOf(r, r.name(), ""));
  EXPECT_THAT(Kinds(), ElementsAre(v1::DOCUMENT_MISSING));
}

TEST_F(Compliance, AKeyPartnershipNeedsAnApprovedMemorandum) {
  partnership_.set_key_partnership(true);
  Register(partnership_);
  Screen();
  Assess(assessment::MAJOR);
  Evaluate(assessment::Evaluation::APPROVED, "approved");
  record_.set_has_exit_strategy(true);
  EXPECT_THAT(Kinds(), ElementsAre(v1::MEMORANDUM_MISSING));
  Evaluate(assessment::Evaluation::APPROVED, "", /*memorandum=*/true);
  EXPECT_THAT(Kinds(), IsEmpty());
}

TEST_F(Compliance, AReviewIsOverdueFromTheDayAfterItIsDueUntilItIsDone) {
  Screen();
  Assess(assessment::MAJOR);
  Evaluate(assessment::Evaluation::APPROVED, "approved");  // approved 2026-03-02
  Move(registry::ACTIVE);
  record_.set_has_exit_strategy(true);
  ASSERT_TRUE(RefreshSchedule(record_, &protocol_, absl::CivilDay(2026, 3, 2)));
  ASSERT_EQ(record_.items_size(), 1);
  EXPECT_EQ(record_.items(0).due_date(), "2027-03-02");
  EXPECT_THAT(Kinds("2027-03-02"), IsEmpty());
  EXPECT_THAT(Kinds("2027-03-03"), ElementsAre(v1::REVIEW_OVERDUE));
  std::vector<v1::DueItem> items(record_.items().begin(), record_.items().end());
  ASSERT_TRUE(CompleteDueItem(items, assessment::ANNUAL_REVIEW, absl::CivilDay(2027, 3, 20)).ok());
  *record_.mutable_items(0) = items[0];
  EXPECT_THAT(Kinds("2027-03-21"), IsEmpty());
}

TEST_F(Compliance, ClosingThePartnershipStopsItsScheduleAndItsAnomalies) {
  Screen();
  Assess(assessment::MAJOR);
  Evaluate(assessment::Evaluation::APPROVED, "approved");
  Move(registry::ACTIVE);
  ASSERT_TRUE(RefreshSchedule(record_, &protocol_, absl::CivilDay(2026, 3, 2)));
  EXPECT_THAT(Kinds("2028-01-01"),
              ElementsAre(v1::EXIT_STRATEGY_MISSING, v1::REVIEW_OVERDUE));
  Move(registry::EXITING);
  Move(registry::CLOSED);
  EXPECT_EQ(record_.closed_date(), "2026-03-02");
  EXPECT_TRUE(RefreshSchedule(record_, &protocol_, absl::CivilDay(2026, 6, 1)));
  EXPECT_EQ(record_.items_size(), 0);
  EXPECT_THAT(Kinds("2028-01-01"), IsEmpty());
}

TEST_F(Compliance, ScreenedOutIsNotWatched) {
  assessment::Screening screening;
  screening.set_outcome(assessment::NOT_A_PARTNERSHIP);
  Assessment(screening, "partnerships/lsp/screenings/s1", "screened");
  EXPECT_THAT(Kinds(), IsEmpty());
}

TEST_F(Compliance, AModerationAfterApprovalReschedulesWithTheNewTier) {
  Screen();
  Assess(assessment::LIMITED);
  Evaluate(assessment::Evaluation::APPROVED, "approved");
  Move(registry::ACTIVE);
  ASSERT_TRUE(RefreshSchedule(record_, &protocol_, absl::CivilDay(2026, 3, 2)));
  ASSERT_EQ(record_.items(0).type(), assessment::SERVICE_PLAN_REVIEW);
  assessment::Assessment moderated;
  moderated.set_final_tier(assessment::MODERATE);
  moderated.set_protocol("protocols/chorley");
  moderated.set_protocol_version(1);
  Assessment(moderated, "partnerships/lsp/assessments/a1", "moderated");
  partnership_.set_tier(registry::MODERATE);  // the register follows the moderation
  Register(partnership_);
  ASSERT_TRUE(RefreshSchedule(record_, &protocol_, absl::CivilDay(2026, 5, 1)));
  ASSERT_EQ(record_.items_size(), 1);
  EXPECT_EQ(record_.items(0).type(), assessment::ANNUAL_REVIEW);
  EXPECT_EQ(record_.items(0).due_date(), "2027-03-02");
}

}  // namespace
}  // namespace accord::review
