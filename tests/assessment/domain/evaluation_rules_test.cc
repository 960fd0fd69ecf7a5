#include "services/assessment/domain/evaluation_rules.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/requirements.h"
#include "tests/assessment/domain/test_protocols.h"

namespace accord::assessment {
namespace {

using ::accord::assessment::testing::CompleteEvaluation;
using ::accord::assessment::testing::Protocol;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

v1::ExecutiveDecision Decision(const std::string& date, const std::string& minute) {
  v1::ExecutiveDecision d;
  d.set_date(date);
  d.set_minute_reference(minute);
  return d;
}

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

// A Chorley key partnership, Major, with the council as accountable body: the most sign-offs
// any protocol here asks for.
struct ChorleyKeyMajor {
  v1::Protocol protocol = Protocol("chorley");
  v1::Requirements requirements = RequirementsFor(v1::MAJOR, true, true, protocol);
  v1::Evaluation evaluation = CompleteEvaluation(requirements, protocol);
};

TEST(MissingItems, ACompleteEvaluationLacksNothing) {
  ChorleyKeyMajor c;
  EXPECT_THAT(MissingItems(c.evaluation, c.requirements, c.protocol), IsEmpty());
  v1::Protocol derby = Protocol("derby");
  v1::Requirements r = RequirementsFor(v1::MODERATE, false, false, derby);
  EXPECT_THAT(MissingItems(CompleteEvaluation(r, derby), r, derby), IsEmpty());
}

TEST(MissingItems, BlankOrAbsentSectionsAreNamedWithTheirTitles) {
  v1::Protocol protocol = Protocol("bolsover");
  v1::Requirements r = RequirementsFor(v1::MODERATE, false, false, protocol);
  v1::Evaluation e = CompleteEvaluation(r, protocol);
  e.mutable_sections(2)->set_text("  \n ");  // section 3
  e.mutable_sections()->RemoveLast();        // section 5
  EXPECT_THAT(MissingItems(e, r, protocol),
              ElementsAre("section 3 (Contribution to the council's corporate aims)",
                          ::testing::StartsWith("section 5 (Funding")));
}

TEST(MissingItems, TheGovernanceChecklistMustBeMetForModerateAndMajorOnly) {
  v1::Protocol protocol = Protocol("bolsover");
  for (v1::Tier tier : {v1::LIMITED, v1::MODERATE, v1::MAJOR}) {
    v1::Requirements r = RequirementsFor(tier, false, false, protocol);
    v1::Evaluation e = CompleteEvaluation(r, protocol);
    e.mutable_governance_checklist(13)->set_met(false);
    e.mutable_governance_checklist()->DeleteSubrange(0, 1);
    std::vector<std::string> missing = MissingItems(e, r, protocol);
    if (tier == v1::LIMITED) {
      EXPECT_THAT(missing, IsEmpty());
    } else {
      EXPECT_THAT(missing, ElementsAre("governance checklist: Name of partnership",
                                       "governance checklist: Conflict resolution arrangements"));
    }
  }
}

TEST(MissingItems, AKeyPartnershipsMemorandumChecklistMustBeMet) {
  ChorleyKeyMajor c;
  c.evaluation.mutable_memorandum_checklist(10)->set_met(false);
  EXPECT_THAT(MissingItems(c.evaluation, c.requirements, c.protocol),
              ElementsAre("memorandum checklist: Safeguarding children"));
  v1::Requirements not_key = RequirementsFor(v1::MAJOR, false, true, c.protocol);
  EXPECT_THAT(MissingItems(c.evaluation, not_key, c.protocol), IsEmpty());
}

TEST(MissingItems, HarboroughsPreEntryChecklistIsNeededAtEveryTier) {
  v1::Protocol protocol = Protocol("harborough");
  v1::Requirements r = RequirementsFor(v1::LIMITED, false, false, protocol);
  v1::Evaluation e = CompleteEvaluation(r, protocol);
  for (auto& answer : *e.mutable_pre_entry_checklist()) {
    if (answer.item_id() == "equality_impact_assessment") answer.set_met(false);
  }
  EXPECT_THAT(MissingItems(e, r, protocol),
              ElementsAre(HasSubstr("pre-entry checklist: An equality impact assessment")));
}

TEST(MissingItems, DerbyNeedsABusinessCaseReferenceAndThePartnershipAgreement) {
  v1::Protocol protocol = Protocol("derby");
  v1::Requirements r = RequirementsFor(v1::LIMITED, false, false, protocol);
  v1::Evaluation e = CompleteEvaluation(r, protocol);
  e.mutable_business_case()->clear_reference();
  e.clear_documents_held();
  e.add_documents_held("Terms of reference");
  EXPECT_THAT(MissingItems(e, r, protocol),
              ElementsAre("business case reference", "document: Partnership agreement"));
  e.add_documents_held("  partnership AGREEMENT ");
  EXPECT_THAT(MissingItems(e, r, protocol), ElementsAre("business case reference"));
}

TEST(PendingSignOffs, RequiredRolesInOrderLessThoseAlreadySigned) {
  ChorleyKeyMajor c;
  EXPECT_THAT(RequiredSignOffRoles(c.requirements),
              ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::EXECUTIVE, v1::HEAD_OF_GOVERNANCE));
  c.evaluation.add_sign_offs()->set_role(v1::EXECUTIVE);
  EXPECT_THAT(PendingSignOffs(c.evaluation, c.requirements),
              ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::HEAD_OF_GOVERNANCE));

  v1::Protocol bolsover = Protocol("bolsover");
  v1::Evaluation empty;
  EXPECT_THAT(PendingSignOffs(empty, RequirementsFor(v1::MAJOR, false, true, bolsover)),
              ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::EXECUTIVE));
  EXPECT_THAT(PendingSignOffs(empty, RequirementsFor(v1::MAJOR, false, false, bolsover)),
              ElementsAre(v1::SENIOR_MANAGEMENT_TEAM));
  EXPECT_THAT(PendingSignOffs(empty, RequirementsFor(v1::LIMITED, false, false, Protocol("derby"))),
              ElementsAre(v1::HEAD_OF_SERVICE, v1::STRATEGIC_DIRECTOR));
}

TEST(CheckSubmit, ADraftWithNothingMissingMaySubmit) {
  v1::Evaluation e;
  e.set_state(v1::Evaluation::DRAFT);
  EXPECT_TRUE(CheckSubmit(e, {}).ok());
}

TEST(CheckSubmit, AnIncompleteDraftIsRefusedListingEveryMissingItem) {
  v1::Evaluation e;
  e.set_state(v1::Evaluation::DRAFT);
  absl::Status status = CheckSubmit(
      e, {"section 4 (Risk assessment of council involvement)", "business case reference"});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(MessageOf(status), HasSubstr("section 4 (Risk assessment of council involvement); "
                                           "business case reference"));
}

TEST(CheckSubmit, OnlyADraftMaySubmit) {
  v1::Evaluation e;
  e.set_state(v1::Evaluation::SUBMITTED);
  absl::Status status = CheckSubmit(e, {});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(MessageOf(status), HasSubstr("only a DRAFT evaluation"));
}

TEST(SignOff, TheHappyPathShrinksThePendingRolesUntilApproved) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(100));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state(), v1::Evaluation::SUBMITTED);
  EXPECT_THAT(e->pending_sign_offs(), ElementsAre(v1::EXECUTIVE, v1::HEAD_OF_GOVERNANCE));
  ASSERT_EQ(e->sign_offs_size(), 1);
  EXPECT_EQ(e->sign_offs(0).officer(), "bob");
  EXPECT_EQ(e->sign_offs(0).sign_time().seconds(), 100);

  e = ApplySignOff(*e, c.requirements, c.protocol, v1::EXECUTIVE, "carol", {v1::EXECUTIVE},
                   Decision("2024-03-12", "EC/2024/31"), At(200));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->pending_sign_offs(), ElementsAre(v1::HEAD_OF_GOVERNANCE));
  EXPECT_EQ(e->executive_decision().minute_reference(), "EC/2024/31");
  EXPECT_EQ(e->state(), v1::Evaluation::SUBMITTED);

  e = ApplySignOff(*e, c.requirements, c.protocol, v1::HEAD_OF_GOVERNANCE, "dave",
                   {v1::HEAD_OF_GOVERNANCE, v1::REGISTER_KEEPER}, {}, At(300));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->pending_sign_offs(), IsEmpty());
  EXPECT_EQ(e->state(), v1::Evaluation::APPROVED);
  EXPECT_EQ(e->memorandum_approval().officer(), "dave");
  EXPECT_EQ(e->memorandum_approval().role(), v1::HEAD_OF_GOVERNANCE);
  EXPECT_EQ(e->sign_offs_size(), 3);
  EXPECT_EQ(e->update_time().seconds(), 300);
}

TEST(SignOff, TheStrategicDirectorsSignOffSignsDerbysBusinessCase) {
  v1::Protocol protocol = Protocol("derby");
  v1::Requirements r = RequirementsFor(v1::LIMITED, false, false, protocol);
  v1::Evaluation e = CompleteEvaluation(r, protocol);
  absl::StatusOr<v1::Evaluation> out = ApplySignOff(e, r, protocol, v1::STRATEGIC_DIRECTOR, "erin",
                                                    {v1::STRATEGIC_DIRECTOR}, {}, At(1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->business_case().signed_by(), "erin");
  EXPECT_THAT(out->pending_sign_offs(), ElementsAre(v1::HEAD_OF_SERVICE));
  EXPECT_EQ(out->state(), v1::Evaluation::SUBMITTED);
}

TEST(SignOff, OnlyASubmittedEvaluationCanBeSignedOff) {
  ChorleyKeyMajor c;
  for (auto state : {v1::Evaluation::DRAFT, v1::Evaluation::APPROVED, v1::Evaluation::REJECTED}) {
    c.evaluation.set_state(state);
    absl::StatusOr<v1::Evaluation> e =
        ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                     {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
    EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(SignOff, ARoleTheOfficerDoesNotHoldIsPermissionDeniedNamingRole) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                   {v1::HEAD_OF_SERVICE}, {}, At(1));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(MessageOf(e.status()),
              HasSubstr("role: officer bob does not hold the role SENIOR_MANAGEMENT_TEAM"));
}

TEST(SignOff, ARoleThatIsNotRequiredIsRefusedNamingThePendingRoles) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::HEAD_OF_SERVICE, "bob",
                   {v1::HEAD_OF_SERVICE}, {}, At(1));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(MessageOf(e.status()),
              HasSubstr("role: no sign-off as HEAD_OF_SERVICE is pending (not required"));
  EXPECT_THAT(MessageOf(e.status()),
              HasSubstr("pending: SENIOR_MANAGEMENT_TEAM, EXECUTIVE, HEAD_OF_GOVERNANCE"));
}

TEST(SignOff, ARoleAlreadySignedCannotSignAgain) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> once =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
  ASSERT_TRUE(once.ok()) << once.status();
  absl::StatusOr<v1::Evaluation> twice =
      ApplySignOff(*once, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "frank",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(2));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(MessageOf(twice.status()), HasSubstr("already signed"));
}

TEST(SignOff, ThePersonWhoSubmittedItCannotSignItOff) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "alice",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(MessageOf(e.status()), HasSubstr("the person who submitted it cannot sign it off"));
}

TEST(SignOff, AnIncompleteDocumentIsRefusedListingWhatIsMissing) {
  ChorleyKeyMajor c;
  c.evaluation.mutable_sections(6)->clear_text();  // section 7
  c.evaluation.mutable_memorandum_checklist(14)->set_met(false);
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(MessageOf(e.status()), HasSubstr("section 7 (Learning and sharing"));
  EXPECT_THAT(MessageOf(e.status()), HasSubstr("memorandum checklist: Exit strategy"));
}

TEST(SignOff, TheExecutiveMustRecordItsDecisionWhereOneIsRequired) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> none = ApplySignOff(
      c.evaluation, c.requirements, c.protocol, v1::EXECUTIVE, "carol", {v1::EXECUTIVE}, {}, At(1));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(none.status()), HasSubstr("executive_decision.date: is required"));
  EXPECT_THAT(MessageOf(none.status()),
              HasSubstr("executive_decision.minute_reference: is required"));

  absl::StatusOr<v1::Evaluation> bad_date =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::EXECUTIVE, "carol",
                   {v1::EXECUTIVE}, Decision("12/03/2024", "EC/2024/31"), At(1));
  EXPECT_THAT(MessageOf(bad_date.status()),
              HasSubstr("executive_decision.date: must be a date written YYYY-MM-DD; got "
                        "'12/03/2024'"));
  absl::StatusOr<v1::Evaluation> no_such_day =
      ApplySignOff(c.evaluation, c.requirements, c.protocol, v1::EXECUTIVE, "carol",
                   {v1::EXECUTIVE}, Decision("2024-02-30", "EC/2024/31"), At(1));
  EXPECT_EQ(no_such_day.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignOff, ACabinetApprovalWithoutAnAccountableBodyNeedsNoDecisionRecord) {
  v1::Protocol protocol = Protocol("chorley");
  v1::Requirements r = RequirementsFor(v1::MAJOR, true, false, protocol);
  ASSERT_FALSE(r.executive_decision_required());
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(CompleteEvaluation(r, protocol), r, protocol, v1::EXECUTIVE, "carol",
                   {v1::EXECUTIVE}, {}, At(1));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_THAT(e->pending_sign_offs(),
              ElementsAre(v1::SENIOR_MANAGEMENT_TEAM, v1::HEAD_OF_GOVERNANCE));
}

TEST(SignOff, AMajorBolsoverPartnershipWithAnAccountableBodyIsNotApprovedUntilTheExecutive) {
  v1::Protocol protocol = Protocol("bolsover");
  v1::Requirements r = RequirementsFor(v1::MAJOR, false, true, protocol);
  absl::StatusOr<v1::Evaluation> e =
      ApplySignOff(CompleteEvaluation(r, protocol), r, protocol, v1::SENIOR_MANAGEMENT_TEAM, "bob",
                   {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state(), v1::Evaluation::SUBMITTED);
  EXPECT_THAT(e->pending_sign_offs(), ElementsAre(v1::EXECUTIVE));

  v1::Requirements no_body = RequirementsFor(v1::MAJOR, false, false, protocol);
  e = ApplySignOff(CompleteEvaluation(no_body, protocol), no_body, protocol,
                   v1::SENIOR_MANAGEMENT_TEAM, "bob", {v1::SENIOR_MANAGEMENT_TEAM}, {}, At(1));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state(), v1::Evaluation::APPROVED);
}

TEST(Rejection, ASignOffRoleHolderRejectsASubmittedEvaluationWithAReason) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplyRejection(c.evaluation, "Exit arrangements are not agreed.", "dave",
                     {v1::HEAD_OF_GOVERNANCE}, c.requirements);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->state(), v1::Evaluation::REJECTED);
  EXPECT_EQ(e->rejection_reason(), "Exit arrangements are not agreed.");
}

TEST(Rejection, ARejectionNeedsAReason) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e =
      ApplyRejection(c.evaluation, " ", "bob", {v1::SENIOR_MANAGEMENT_TEAM}, c.requirements);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(e.status()), HasSubstr("reason: is required"));
}

TEST(Rejection, AnOfficerWithoutASignOffRoleCannotReject) {
  ChorleyKeyMajor c;
  absl::StatusOr<v1::Evaluation> e = ApplyRejection(
      c.evaluation, "No.", "gina", {v1::LEAD_OFFICER, v1::HEAD_OF_SERVICE}, c.requirements);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(MessageOf(e.status()), HasSubstr("officer gina holds none"));
}

TEST(Rejection, OnlyASubmittedEvaluationCanBeRejected) {
  ChorleyKeyMajor c;
  c.evaluation.set_state(v1::Evaluation::APPROVED);
  absl::StatusOr<v1::Evaluation> e = ApplyRejection(c.evaluation, "Too late.", "bob",
                                                    {v1::SENIOR_MANAGEMENT_TEAM}, c.requirements);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace accord::assessment
