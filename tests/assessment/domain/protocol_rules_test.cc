#include "services/assessment/domain/protocol_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/assessment/domain/test_protocols.h"

namespace accord::assessment {
namespace {

using ::accord::assessment::testing::Protocol;
using ::testing::HasSubstr;

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

TEST(ProtocolRules, AMalformedProtocolTextNamesTheSourceLineAndColumn) {
  absl::StatusOr<v1::Protocol> parsed = ParseProtocolText(
      "name: \"protocols/x\"\nversion: 1\nquestions { number: one }\n", "broken.textproto");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(parsed.status()), HasSubstr("broken.textproto:3:"));
  EXPECT_THAT(MessageOf(parsed.status()), HasSubstr("one"));
}

TEST(ProtocolRules, AnUnknownFieldNamesItsLine) {
  absl::StatusOr<v1::Protocol> parsed =
      ParseProtocolText("name: \"protocols/x\"\n\n  colour: \"red\"\n", "odd.textproto");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(parsed.status()), HasSubstr("odd.textproto:3:"));
  EXPECT_THAT(MessageOf(parsed.status()), HasSubstr("colour"));
}

TEST(ProtocolRules, WellFormedTextThatBreaksARuleIsRefusedNamingTheSourceAndField) {
  absl::StatusOr<v1::Protocol> parsed =
      ParseProtocolText("name: \"protocols/x\"\n", "thin.textproto");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message = MessageOf(parsed.status());
  EXPECT_THAT(message, HasSubstr("thin.textproto: "));
  EXPECT_THAT(message, HasSubstr("name: must look like protocols/{id}"));
  EXPECT_THAT(message, HasSubstr("version: must be 1 or more; got 0"));
  EXPECT_THAT(message, HasSubstr("questions: at least one significance question is required"));
}

TEST(ProtocolRules, AMissingFileIsNotFound) {
  EXPECT_EQ(LoadProtocolFile("/nonexistent/none.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ProtocolRules, OverlappingRiskBandsAreNamed) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_risk_matrix()->mutable_bands(1)->set_min_score(4);
  absl::Status status = ValidateProtocol(protocol);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status),
              HasSubstr("risk_matrix.bands[1]: overlaps risk_matrix.bands[0] at score 4"));
}

TEST(ProtocolRules, RiskBandsLeavingAScoreUncoveredAreNamed) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_risk_matrix()->mutable_bands(3)->set_max_score(24);
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("risk_matrix.bands: must cover every score from 1 to 25 (impact x "
                        "likelihood); not covered: 25"));
  protocol.mutable_risk_matrix()->mutable_bands(3)->set_max_score(30);
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("risk_matrix.bands[3].max_score: must be between min_score 17 and 25"));
}

TEST(ProtocolRules, ARiskMatrixNeedsTwoLevelsEachWay) {
  v1::Protocol protocol = Protocol("chesterfield");
  protocol.mutable_risk_matrix()->clear_likelihood_levels();
  protocol.mutable_risk_matrix()->add_likelihood_levels("Any");
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("risk_matrix.likelihood_levels: at least 2 levels are required; got 1"));
}

TEST(ProtocolRules, BandLimitsThatDoNotRiseAreNamed) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_questions(0)->mutable_bands(2)->set_max_inclusive(2500000);
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("questions[0].bands[2].max_inclusive: must be greater than the previous "
                        "band's 2500000; got 2500000"));
}

TEST(ProtocolRules, OnlyTheLastBandIsUnbounded) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_questions(1)->mutable_bands(1)->clear_max_inclusive();
  protocol.mutable_questions(1)->mutable_bands(4)->set_max_inclusive(10);
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("questions[1].bands[1].max_inclusive: is required on every "
                                 "band but the last"));
  EXPECT_THAT(message, HasSubstr("questions[1].bands[4].max_inclusive: the last band must be "
                                 "unbounded"));
}

TEST(ProtocolRules, AMissingTierRequirementIsNamed) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_tier_requirements()->RemoveLast();  // MAJOR
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("tier_requirements: exactly one requirement per tier is needed; MAJOR "
                        "has none"));
}

TEST(ProtocolRules, ATierRequirementTwiceOrWithoutDocumentOrSignOffIsNamed) {
  v1::Protocol protocol = Protocol("bolsover");
  v1::TierRequirement* extra = protocol.add_tier_requirements();
  extra->set_tier(v1::MODERATE);
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("tier_requirements[3].tier: tier MODERATE already has a "
                                 "requirement at tier_requirements[1]"));
  EXPECT_THAT(message, HasSubstr("tier_requirements[3].document: must be"));
  EXPECT_THAT(message, HasSubstr("tier_requirements[3].sign_off_roles: at least one sign-off "
                                 "role is required"));
}

TEST(ProtocolRules, ThresholdsMustRiseWithinOneToOneHundred) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_thresholds()->set_moderate_percent(70);
  protocol.mutable_thresholds()->set_major_percent(101);
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("thresholds.major_percent: must be above 0 and at most 100; got "
                                 "101"));
  protocol.mutable_thresholds()->set_major_percent(70);
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol)),
              HasSubstr("thresholds.moderate_percent: must be above 0 and below major_percent"));
  protocol.mutable_thresholds()->set_moderate_percent(0);
  EXPECT_FALSE(ValidateProtocol(protocol).ok());
}

TEST(ProtocolRules, QuestionNumbersAllowedScoresAndDerivationsAreChecked) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_questions(6)->set_number(4);
  protocol.mutable_questions(2)->add_allowed_scores(6);
  protocol.mutable_questions(3)->set_derivation(v1::DERIVATION_UNSPECIFIED);
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("questions[6].number: question 4 is already numbered at "
                                 "questions[3]"));
  EXPECT_THAT(message, HasSubstr("questions[2].allowed_scores[3]: must be between 1 and 5; got 6"));
  EXPECT_THAT(message, HasSubstr("questions[3].derivation: must be SCORE, AMOUNT_PENCE or COUNT"));
}

TEST(ProtocolRules, DuplicateSectionNumbersChecklistIdsAndScreeningIdsAreNamed) {
  v1::Protocol protocol = Protocol("chorley");
  protocol.mutable_evaluation_sections(7)->set_number(2);
  protocol.mutable_memorandum_checklist(3)->set_id("aims");
  protocol.mutable_screening_questions(2)->set_id("shared_risks");
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("evaluation_sections[7].number: section 2 is already numbered"));
  EXPECT_THAT(message, HasSubstr("memorandum_checklist[3].id: id 'aims' is already used by "
                                 "memorandum_checklist[0]"));
  EXPECT_THAT(message, HasSubstr("screening_questions[2].id: id 'shared_risks' is already used"));
}

TEST(ProtocolRules, AKeyMemorandumOrBusinessCaseNeedsWhoApprovesIt) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.mutable_key_partnership()->set_memorandum_required(true);
  protocol.mutable_business_case()->set_required_at_review(true);
  const std::string message = MessageOf(ValidateProtocol(protocol));
  EXPECT_THAT(message, HasSubstr("key_partnership.memorandum_approver: is required"));
  EXPECT_THAT(message, HasSubstr("business_case.signer: is required"));
}

TEST(ProtocolRules, APrefixIsPutBeforeEveryFieldPath) {
  v1::Protocol protocol = Protocol("bolsover");
  protocol.set_version(0);
  EXPECT_THAT(MessageOf(ValidateProtocol(protocol, "protocol.")),
              HasSubstr("protocol.version: must be 1 or more"));
}

}  // namespace
}  // namespace accord::assessment
