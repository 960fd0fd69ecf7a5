#include "services/risk/domain/risk_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/protocol_rules.h"

namespace accord::risk {
namespace {

using ::testing::HasSubstr;

RiskMatrix MatrixOf(const std::string& file) {
  auto protocol = assessment::LoadProtocolFile(std::string(ACCORD_PROTOCOLS_DIR) + "/" + file);
  EXPECT_TRUE(protocol.ok()) << protocol.status();
  return protocol->risk_matrix();
}

v1::Rating R(int impact, int likelihood) {
  v1::Rating r;
  r.set_impact(impact);
  r.set_likelihood(likelihood);
  return r;
}

v1::Risk ValidRisk() {
  v1::Risk risk;
  risk.set_title("Partner withdraws funding");
  risk.set_risk_to(v1::BOTH);
  risk.set_category(v1::PARTNER_FAILURE_TO_PERFORM);
  risk.set_owner("Head of Finance");
  *risk.mutable_inherent() = R(4, 4);
  *risk.mutable_residual() = R(3, 2);
  risk.set_review_date("2027-03-31");
  auto* action = risk.add_actions();
  action->set_description("Agree a funding schedule");
  action->set_owner("Partnership manager");
  action->set_due_date("2027-01-31");
  return risk;
}

// The default matrix's bands, independently: 1-4 low, 5-9 medium, 10-16 high, 17-25 very high.
std::string Band5x5(int score) {
  return score <= 4 ? "low" : score <= 9 ? "medium" : score <= 16 ? "high" : "very high";
}

TEST(Matrix, DefaultFiveByFiveBandsEveryCellAsTheProtocolSays) {
  RiskMatrix matrix = MatrixOf("bolsover.textproto");
  ASSERT_EQ(matrix.impact_levels_size(), 5);
  ASSERT_EQ(matrix.likelihood_levels_size(), 5);
  for (int i = 1; i <= 5; ++i) {
    for (int l = 1; l <= 5; ++l) {
      auto rated = Rate(R(i, l), matrix, "inherent");
      ASSERT_TRUE(rated.ok()) << rated.status();
      EXPECT_EQ(rated->score(), i * l);
      EXPECT_EQ(rated->band(), Band5x5(i * l)) << i << "x" << l;
    }
  }
}

TEST(Matrix, BandBoundariesOfTheDefaultMatrix) {
  RiskMatrix matrix = MatrixOf("bolsover.textproto");
  EXPECT_EQ(Rate(R(2, 2), matrix, "r")->band(), "low");        // 4
  EXPECT_EQ(Rate(R(5, 1), matrix, "r")->band(), "medium");     // 5
  EXPECT_EQ(Rate(R(3, 3), matrix, "r")->band(), "medium");     // 9
  EXPECT_EQ(Rate(R(5, 2), matrix, "r")->band(), "high");       // 10
  EXPECT_EQ(Rate(R(4, 4), matrix, "r")->band(), "high");       // 16
  EXPECT_EQ(Rate(R(5, 4), matrix, "r")->band(), "very high");  // 20
}

TEST(Matrix, ChesterfieldThreeByThreeUsesHighMediumLow) {
  RiskMatrix matrix = MatrixOf("chesterfield.textproto");
  ASSERT_EQ(matrix.impact_levels_size(), 3);
  auto rated = Rate(R(3, 1), matrix, "inherent");
  ASSERT_TRUE(rated.ok());
  EXPECT_EQ(rated->impact_label(), matrix.impact_levels(2));
  EXPECT_FALSE(rated->band().empty());
  for (int i = 1; i <= 3; ++i) {
    for (int l = 1; l <= 3; ++l) EXPECT_FALSE(Rate(R(i, l), matrix, "r")->band().empty());
  }
  auto outside = Rate(R(4, 1), matrix, "inherent");
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(outside.status().message()),
              HasSubstr("inherent.impact: must be a level of the 3x3 matrix, 1 to 3; got 4"));
}

TEST(RiskRules, AValidRiskIsRatedOnTheMatrix) {
  auto rated = ValidateAndRate(ValidRisk(), MatrixOf("bolsover.textproto"), "risk.");
  ASSERT_TRUE(rated.ok()) << rated.status();
  EXPECT_EQ(rated->inherent().score(), 16);
  EXPECT_EQ(rated->residual().band(), "medium");
  EXPECT_EQ(rated->actions(0).status(), v1::MitigatingAction::NOT_STARTED);
}

TEST(RiskRules, BadInputNamesEveryField) {
  v1::Risk risk = ValidRisk();
  risk.clear_title();
  risk.set_category(v1::OTHER);
  *risk.mutable_residual() = R(0, 6);
  risk.set_review_date("31/03/2027");
  risk.mutable_actions(0)->clear_owner();
  auto rated = ValidateAndRate(risk, MatrixOf("bolsover.textproto"), "risk.");
  ASSERT_EQ(rated.status().code(), absl::StatusCode::kInvalidArgument);
  std::string message(rated.status().message());
  EXPECT_THAT(message, HasSubstr("risk.title: is required"));
  EXPECT_THAT(message, HasSubstr("risk.other_category: is required"));
  EXPECT_THAT(message, HasSubstr("risk.residual.impact"));
  EXPECT_THAT(message, HasSubstr("risk.residual.likelihood"));
  EXPECT_THAT(message, HasSubstr("risk.review_date"));
  EXPECT_THAT(message, HasSubstr("risk.actions[0].owner: is required"));
}

TEST(RiskRules, ResidualAboveInherentNeedsAReason) {
  v1::Risk risk = ValidRisk();
  *risk.mutable_residual() = R(5, 5);
  auto refused = ValidateAndRate(risk, MatrixOf("bolsover.textproto"), "risk.");
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("risk.residual_reason"));
  risk.set_residual_reason("Partner in administration");
  EXPECT_TRUE(ValidateAndRate(risk, MatrixOf("bolsover.textproto"), "risk.").ok());
}

TEST(Escalation, OpenRiskOfMajorPartnershipIsOfferedAndRecordedCorporately) {
  v1::Risk risk = ValidRisk();
  risk.set_state(v1::Risk::OPEN);
  UpdateEscalation(nullptr, true, risk);
  EXPECT_EQ(risk.escalation().state(), v1::Escalation::PENDING);
  EXPECT_THAT(risk.recorded_in(), ::testing::ElementsAre("SERVICE_PLAN", "CORPORATE"));

  v1::Risk limited = ValidRisk();
  limited.set_state(v1::Risk::OPEN);
  UpdateEscalation(nullptr, false, limited);
  EXPECT_EQ(limited.escalation().state(), v1::Escalation::NOT_REQUIRED);
  EXPECT_THAT(limited.recorded_in(), ::testing::ElementsAre("SERVICE_PLAN"));
}

TEST(Escalation, TakenRiskIsOfferedAgainOnlyWhenItChanges) {
  v1::Risk risk = ValidRisk();
  risk.set_state(v1::Risk::OPEN);
  risk.mutable_escalation()->set_state(v1::Escalation::ACKNOWLEDGED);
  v1::Risk same = risk;
  same.set_etag("later");
  UpdateEscalation(&risk, true, same);
  EXPECT_EQ(same.escalation().state(), v1::Escalation::ACKNOWLEDGED);

  v1::Risk changed = risk;
  changed.mutable_residual()->set_likelihood(1);
  UpdateEscalation(&risk, true, changed);
  EXPECT_EQ(changed.escalation().state(), v1::Escalation::PENDING);
}

TEST(Escalation, WithdrawalOfATakenRiskIsQueuedForTheCorporateRegister) {
  v1::Risk risk = ValidRisk();
  risk.set_state(v1::Risk::OPEN);
  risk.mutable_escalation()->set_state(v1::Escalation::ACCEPTED);
  risk.mutable_escalation()->set_corporate_reference("CRR-17");
  v1::Risk after = risk;
  UpdateEscalation(&risk, false, after);
  EXPECT_EQ(after.escalation().state(), v1::Escalation::WITHDRAWAL_PENDING);
  EXPECT_EQ(after.escalation().corporate_reference(), "CRR-17");
  EXPECT_THAT(after.recorded_in(), ::testing::ElementsAre("SERVICE_PLAN"));

  v1::Risk closed = risk;
  closed.set_state(v1::Risk::CLOSED);
  UpdateEscalation(&risk, true, closed);
  EXPECT_EQ(closed.escalation().state(), v1::Escalation::WITHDRAWAL_PENDING);

  // Not yet taken: withdrawn at once, nothing to tell the corporate register.
  v1::Risk offered = ValidRisk();
  offered.set_state(v1::Risk::OPEN);
  offered.mutable_escalation()->set_state(v1::Escalation::PENDING);
  v1::Risk demoted = offered;
  UpdateEscalation(&offered, false, demoted);
  EXPECT_EQ(demoted.escalation().state(), v1::Escalation::WITHDRAWN);

  // Becoming Major again offers it afresh.
  after.mutable_escalation()->set_state(v1::Escalation::WITHDRAWN);
  v1::Risk again = after;
  UpdateEscalation(&after, true, again);
  EXPECT_EQ(again.escalation().state(), v1::Escalation::PENDING);
}

TEST(Overdue, ReviewDateOrUnfinishedActionBeforeTheDate) {
  v1::Risk risk = ValidRisk();
  risk.set_state(v1::Risk::OPEN);
  EXPECT_FALSE(IsOverdue(risk, "2027-01-31"));  // due that day: not yet overdue
  EXPECT_TRUE(IsOverdue(risk, "2027-02-01"));   // the action's due date passed
  risk.mutable_actions(0)->set_status(v1::MitigatingAction::DONE);
  EXPECT_FALSE(IsOverdue(risk, "2027-02-01"));
  EXPECT_TRUE(IsOverdue(risk, "2027-04-01"));  // the review date passed
  risk.set_state(v1::Risk::CLOSED);
  EXPECT_FALSE(IsOverdue(risk, "2030-01-01"));
}

TEST(HeatMap, CountsOpenRisksPerCellInherentAndResidual) {
  auto protocol =
      assessment::LoadProtocolFile(std::string(ACCORD_PROTOCOLS_DIR) + "/bolsover.textproto");
  ASSERT_TRUE(protocol.ok());
  std::vector<v1::Risk> risks;
  for (int i = 0; i < 4; ++i) {
    v1::Risk r = ValidRisk();
    r.set_state(i == 2 ? v1::Risk::CLOSED : v1::Risk::OPEN);
    r.set_protocol(i == 3 ? "protocols/chesterfield" : "protocols/bolsover");
    r.set_protocol_version(1);
    risks.push_back(r);
  }
  v1::HeatMap map = BuildHeatMap(risks, *protocol);
  EXPECT_EQ(map.open_risks(), 3);
  EXPECT_EQ(map.unplaced_risks(), 1);  // rated on Chesterfield's 3x3: not drawn on the 5x5
  ASSERT_EQ(map.cells_size(), 25);
  EXPECT_EQ(map.impact_levels_size(), 5);
  int inherent = 0, residual = 0;
  for (const auto& cell : map.cells()) {
    inherent += cell.inherent_count();
    residual += cell.residual_count();
    if (cell.impact() == 4 && cell.likelihood() == 4) {
      EXPECT_EQ(cell.inherent_count(), 2);
    }
    if (cell.impact() == 3 && cell.likelihood() == 2) {
      EXPECT_EQ(cell.residual_count(), 2);
    }
  }
  EXPECT_EQ(inherent, 2);
  EXPECT_EQ(residual, 2);
}

}  // namespace
}  // namespace accord::risk
