// Every protocol in protocols/ loads, validates and says what its council's seed says.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/protocol_rules.h"
#include "tests/assessment/domain/test_protocols.h"

namespace accord::assessment {
namespace {

using ::accord::assessment::testing::Protocol;
using ::accord::assessment::testing::ProtocolPath;

class ProtocolFile : public ::testing::TestWithParam<std::string> {};

TEST_P(ProtocolFile, LoadsValidatesAndIsNamedAfterItsFile) {
  absl::StatusOr<v1::Protocol> protocol = LoadProtocolFile(ProtocolPath(GetParam()));
  ASSERT_TRUE(protocol.ok()) << protocol.status();
  EXPECT_EQ(protocol->name(), "protocols/" + GetParam());
  EXPECT_EQ(protocol->version(), 1);
  EXPECT_FALSE(protocol->council().empty());
  EXPECT_TRUE(ValidateProtocol(*protocol).ok());
  // Every variant keeps Bolsover's scoring: seven questions, 50% and 70%.
  EXPECT_EQ(protocol->questions_size(), 7);
  EXPECT_EQ(protocol->thresholds().moderate_percent(), 50);
  EXPECT_EQ(protocol->thresholds().major_percent(), 70);
  EXPECT_EQ(protocol->screening_questions_size(), 3);
  EXPECT_EQ(protocol->evaluation_sections_size(), 8);
  EXPECT_EQ(protocol->governance_checklist_size(), 14);
}

INSTANTIATE_TEST_SUITE_P(AllCouncils, ProtocolFile,
                         ::testing::Values("bolsover", "chorley", "derby", "harborough",
                                           "chesterfield"));

TEST(ProtocolFiles, BolsoverQuestionThreeAllowsOneThreeOrFiveAndMarksTheAccountableBody) {
  const v1::Protocol bolsover = Protocol("bolsover");
  const v1::SignificanceQuestion& q3 = bolsover.questions(2);
  EXPECT_EQ(q3.number(), 3);
  EXPECT_THAT(q3.allowed_scores(), ::testing::ElementsAre(1, 3, 5));
  EXPECT_TRUE(q3.top_score_means_accountable_body());
  EXPECT_EQ(bolsover.questions(0).derivation(), v1::AMOUNT_PENCE);
  EXPECT_EQ(bolsover.questions(1).derivation(), v1::COUNT);
  EXPECT_FALSE(bolsover.key_partnership().memorandum_required());
  EXPECT_FALSE(bolsover.business_case().required_at_creation());
  EXPECT_EQ(bolsover.pre_entry_checklist_size(), 0);
  EXPECT_EQ(bolsover.risk_matrix().impact_levels_size(), 5);
  EXPECT_EQ(bolsover.risk_matrix().bands_size(), 4);
}

TEST(ProtocolFiles, ChorleyListsFifteenMemorandumElementsFromAimsToExit) {
  const v1::Protocol chorley = Protocol("chorley");
  ASSERT_EQ(chorley.memorandum_checklist_size(), 15);
  EXPECT_EQ(chorley.memorandum_checklist(0).id(), "aims");
  EXPECT_EQ(chorley.memorandum_checklist(14).id(), "exit");
  EXPECT_TRUE(chorley.key_partnership().memorandum_required());
  EXPECT_EQ(chorley.key_partnership().memorandum_approver(), v1::HEAD_OF_GOVERNANCE);
}

TEST(ProtocolFiles, HarboroughsPreEntryChecklistAsksForAnEqualityImpactAssessment) {
  const v1::Protocol harborough = Protocol("harborough");
  bool asks = false;
  for (const auto& item : harborough.pre_entry_checklist()) {
    asks = asks || item.id() == "equality_impact_assessment";
  }
  EXPECT_TRUE(asks);
}

TEST(ProtocolFiles, ChesterfieldRatesRisksOnAThreeByThreeHighMediumLowMatrix) {
  const v1::Protocol chesterfield = Protocol("chesterfield");
  const v1::RiskMatrix& matrix = chesterfield.risk_matrix();
  EXPECT_THAT(matrix.impact_levels(), ::testing::ElementsAre("Low", "Medium", "High"));
  EXPECT_THAT(matrix.likelihood_levels(), ::testing::ElementsAre("Low", "Medium", "High"));
  ASSERT_EQ(matrix.bands_size(), 3);
  EXPECT_EQ(matrix.bands(2).max_score(), 9);
}

TEST(ProtocolFiles, DerbyRequiresABusinessCaseSignedByAStrategicDirector) {
  const v1::Protocol derby = Protocol("derby");
  const v1::BusinessCaseRule& rule = derby.business_case();
  EXPECT_TRUE(rule.required_at_creation());
  EXPECT_TRUE(rule.required_at_review());
  EXPECT_EQ(rule.signer(), v1::STRATEGIC_DIRECTOR);
}

}  // namespace
}  // namespace accord::assessment
