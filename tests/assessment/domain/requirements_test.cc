#include "services/assessment/domain/requirements.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/assessment/domain/test_protocols.h"

namespace accord::assessment {
namespace {

using ::accord::assessment::testing::Protocol;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<v1::ReviewType> TypesOf(const v1::Requirements& r) {
  std::vector<v1::ReviewType> types;
  for (const auto& review : r.reviews()) types.push_back(review.type());
  return types;
}

TEST(Requirements, LimitedNeedsARegistrationSignedByTheHeadOfService) {
  v1::Requirements r = RequirementsFor(v1::LIMITED, false, false, Protocol("bolsover"));
  EXPECT_EQ(r.document(), v1::REGISTRATION);
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::HEAD_OF_SERVICE));
  EXPECT_EQ(r.monitoring(), "service plan");
  EXPECT_THAT(r.risk_registers(), ElementsAre(v1::SERVICE_PLAN));
  EXPECT_THAT(TypesOf(r), ElementsAre(v1::SERVICE_PLAN_REVIEW));
  EXPECT_EQ(r.reviews(0).every_months(), 12);
  EXPECT_THAT(r.required_sections(), ElementsAre(1, 2, 5));
  EXPECT_FALSE(r.executive_decision_required());
  EXPECT_EQ(r.protocol(), "protocols/bolsover");
  EXPECT_EQ(r.protocol_version(), 1);
  EXPECT_EQ(r.tier(), v1::LIMITED);
}

TEST(Requirements, ModerateNeedsABasicEvaluationAndAnAnnualReview) {
  v1::Requirements r = RequirementsFor(v1::MODERATE, false, true, Protocol("bolsover"));
  EXPECT_EQ(r.document(), v1::BASIC_EVALUATION);
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
  EXPECT_THAT(r.required_sections(), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(TypesOf(r), ElementsAre(v1::ANNUAL_REVIEW));
  EXPECT_EQ(r.reviews(0).form(), "Annual Review Form (Appendix E)");
  // Only Major asks the Executive, even for an accountable body.
  EXPECT_FALSE(r.executive_decision_required());
}

TEST(Requirements, MajorWithAccountableBodyNeedsAnExecutiveDecisionAndTheCorporateRegister) {
  v1::Requirements r = RequirementsFor(v1::MAJOR, false, true, Protocol("bolsover"));
  EXPECT_EQ(r.document(), v1::FULL_EVALUATION);
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
  EXPECT_TRUE(r.executive_decision_required());
  EXPECT_TRUE(r.accountable_body());
  EXPECT_THAT(r.risk_registers(), ElementsAre(v1::SERVICE_PLAN, v1::CORPORATE));
  EXPECT_THAT(r.required_sections(), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
}

TEST(Requirements, MajorWithoutAccountableBodyNeedsNoExecutiveDecision) {
  v1::Requirements r = RequirementsFor(v1::MAJOR, false, false, Protocol("bolsover"));
  EXPECT_FALSE(r.executive_decision_required());
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
}

TEST(Requirements, AChorleyKeyPartnershipNeedsCabinetTheHeadOfGovernanceAndExtraReviews) {
  v1::Requirements r = RequirementsFor(v1::MODERATE, true, false, Protocol("chorley"));
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::EXECUTIVE));
  EXPECT_TRUE(r.memorandum_required());
  EXPECT_EQ(r.memorandum_approver(), v1::HEAD_OF_GOVERNANCE);
  EXPECT_THAT(TypesOf(r), ElementsAre(v1::ANNUAL_REVIEW, v1::PERFORMANCE_REPORT,
                                      v1::RELEVANCE_REVIEW, v1::GOVERNANCE_AGENDA));
  EXPECT_EQ(r.reviews(1).every_months(), 6);
  EXPECT_EQ(r.reviews(2).every_months(), 36);
  EXPECT_EQ(r.reviews(3).every_months(), 12);
  EXPECT_TRUE(r.key_partnership());
}

TEST(Requirements, AChorleyPartnershipThatIsNotKeyNeedsOnlyTheTiersRequirements) {
  v1::Requirements r = RequirementsFor(v1::MODERATE, false, false, Protocol("chorley"));
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
  EXPECT_FALSE(r.memorandum_required());
  EXPECT_THAT(TypesOf(r), ElementsAre(v1::ANNUAL_REVIEW));
}

TEST(Requirements, TheKeyFlagAddsNothingUnderAProtocolWithoutKeyPartnershipRules) {
  v1::Requirements r = RequirementsFor(v1::MAJOR, true, false, Protocol("bolsover"));
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
  EXPECT_FALSE(r.memorandum_required());
}

TEST(Requirements, AnExtraKeySignOffRoleAlreadyRequiredIsNotListedTwice) {
  v1::Protocol protocol = Protocol("chorley");
  protocol.mutable_key_partnership()->add_extra_sign_off_roles(v1::SENIOR_MANAGEMENT_TEAM);
  v1::Requirements r = RequirementsFor(v1::MAJOR, true, false, protocol);
  EXPECT_THAT(r.sign_off_roles(), ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::EXECUTIVE));
}

TEST(Requirements, DerbyNeedsABusinessCaseSignedByAStrategicDirectorAndAnAgreement) {
  v1::Requirements r = RequirementsFor(v1::LIMITED, false, false, Protocol("derby"));
  EXPECT_TRUE(r.business_case_required());
  EXPECT_EQ(r.business_case_signer(), v1::STRATEGIC_DIRECTOR);
  EXPECT_THAT(r.extra_documents(), ElementsAre("Partnership agreement"));
  EXPECT_EQ(r.protocol(), "protocols/derby");

  v1::Requirements bolsover = RequirementsFor(v1::LIMITED, false, false, Protocol("bolsover"));
  EXPECT_FALSE(bolsover.business_case_required());
  EXPECT_THAT(bolsover.extra_documents(), IsEmpty());
}

TEST(Requirements, AnUnspecifiedTierRequiresNoDocumentAndNoSignOff) {
  v1::Requirements r = RequirementsFor(v1::TIER_UNSPECIFIED, false, false, Protocol("bolsover"));
  EXPECT_EQ(r.document(), v1::EVALUATION_KIND_UNSPECIFIED);
  EXPECT_THAT(r.sign_off_roles(), IsEmpty());
  EXPECT_THAT(r.required_sections(), IsEmpty());
}

}  // namespace
}  // namespace accord::assessment
