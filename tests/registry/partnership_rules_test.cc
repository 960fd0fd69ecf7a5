#include "services/registry/domain/partnership_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::registry {
namespace {

using ::testing::HasSubstr;

Partnership Valid() {
  Partnership p;
  p.set_display_name("Bolsover Local Strategic Partnership");
  p.set_lead_service("Policy");
  auto* partner = p.add_partners();
  partner->set_organisation("Derbyshire County Council");
  partner->set_sector(v1::PUBLIC);
  return p;
}

TEST(PartnershipRules, AWellFormedPartnershipIsValid) {
  EXPECT_TRUE(ValidatePartnership(Valid(), "partnership.").ok());
}

TEST(PartnershipRules, MissingRequiredFieldsAreAllNamed) {
  Partnership p;
  p.add_partners();
  absl::Status status = ValidatePartnership(p, "partnership.");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("partnership.display_name: is required"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("partnership.lead_service: is required"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("partnership.partners[0].organisation: is required"));
}

TEST(PartnershipRules, NegativeMoneyAndBadDatesAreRefused) {
  Partnership p = Valid();
  p.mutable_council_contribution()->set_money_pence(-1);
  auto* document = p.add_documents();
  document->set_kind("TERMS_OF_REFERENCE");
  document->set_title("ToR");
  document->set_date("2026-13-01");
  absl::Status status = ValidatePartnership(p, "");
  EXPECT_THAT(std::string(status.message()), HasSubstr("council_contribution.money_pence: must be zero or more"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("documents[0].date: must be a date written YYYY-MM-DD"));
}

TEST(PartnershipRules, OverlongAndControlCharacterTextIsRefused) {
  Partnership p = Valid();
  p.set_display_name(std::string(201, 'x'));
  p.set_lead_service(std::string("Hous\0ing", 8));
  absl::Status status = ValidatePartnership(p, "");
  EXPECT_THAT(std::string(status.message()), HasSubstr("display_name: must be at most 200 characters"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("lead_service: must not contain control characters"));
}

TEST(PartnershipRules, UnknownEnumNumbersAreRefused) {
  Partnership p = Valid();
  p.mutable_partners(0)->set_sector(static_cast<v1::Sector>(42));
  p.add_confidential_groups(v1::FIELD_GROUP_UNSPECIFIED);
  absl::Status status = ValidatePartnership(p, "");
  EXPECT_THAT(std::string(status.message()), HasSubstr("partners[0].sector: is not a sector"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("confidential_groups[0]: is not a field group"));
}

TEST(PartnershipRules, IdsFollowAip122) {
  EXPECT_TRUE(ValidateId("leisure-trust", "partnership_id").ok());
  EXPECT_TRUE(ValidateId("lsp2026", "partnership_id").ok());
  for (const char* bad : {"ab", "Leisure", "1abc", "abc-", "a_b_c", "a b c",
                          "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"}) {
    EXPECT_EQ(ValidateId(bad, "partnership_id").code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(*IdFromName("partnerships/leisure-trust", "name"), "leisure-trust");
  EXPECT_THAT(std::string(IdFromName("risks/x", "name").status().message()),
              HasSubstr("name: must look like partnerships/{id}"));
}

TEST(LifeCycle, TheNormalPathIsLegal) {
  std::vector<State> path = {v1::PROPOSED, v1::SCREENED,     v1::ASSESSED,
                             v1::AWAITING_APPROVAL, v1::ACTIVE, v1::UNDER_REVIEW,
                             v1::ACTIVE, v1::EXITING,    v1::CLOSED};
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    EXPECT_TRUE(CheckTransition(path[i], path[i + 1], "because").ok())
        << v1::State_Name(path[i]) << " -> " << v1::State_Name(path[i + 1]);
  }
}

TEST(LifeCycle, SkippingStepsIsRefusedNamingTheLegalMoves) {
  absl::Status status = CheckTransition(v1::PROPOSED, v1::ACTIVE, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("a PROPOSED partnership cannot move to ACTIVE; allowed: SCREENED, "
                        "SCREENED_OUT"));
}

TEST(LifeCycle, ClosedScreenedOutAndRejectedAreFinal) {
  for (State s : {v1::CLOSED, v1::SCREENED_OUT, v1::REJECTED}) {
    EXPECT_TRUE(NextStates(s).empty()) << v1::State_Name(s);
    EXPECT_THAT(std::string(CheckTransition(s, v1::ACTIVE, "x").message()), HasSubstr("final state"));
  }
}

TEST(LifeCycle, EndingMovesNeedAReason) {
  EXPECT_THAT(std::string(CheckTransition(v1::PROPOSED, v1::SCREENED_OUT, "").message()),
              HasSubstr("reason: is required to move to SCREENED_OUT"));
  EXPECT_THAT(std::string(CheckTransition(v1::EXITING, v1::CLOSED, "").message()),
              HasSubstr("reason: is required"));
  EXPECT_TRUE(CheckTransition(v1::PROPOSED, v1::SCREENED, "").ok());
}

TEST(LifeCycle, UnspecifiedTargetIsInvalid) {
  EXPECT_EQ(CheckTransition(v1::PROPOSED, v1::STATE_UNSPECIFIED, "").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PublicView, ConfidentialGroupsAndMeetingNotesNeverAppear) {
  Partnership p = Valid();
  p.set_name("partnerships/lsp");
  p.set_remit("secret remit");
  p.mutable_council_contribution()->set_money_pence(100);
  p.add_meeting_notes()->set_text("minutes");
  p.add_confidential_groups(v1::REMIT);
  p.add_confidential_groups(v1::CONTRIBUTION);
  PublicPartnership view = PublicView(p);
  EXPECT_EQ(view.name(), "partnerships/lsp");
  EXPECT_EQ(view.display_name(), p.display_name());
  EXPECT_EQ(view.remit(), "");
  EXPECT_FALSE(view.has_council_contribution());
  EXPECT_EQ(view.partners_size(), 1);
  EXPECT_EQ(view.lead_service(), "Policy");
  // PublicPartnership has no field for meeting notes at all.
  EXPECT_EQ(PublicPartnership::descriptor()->FindFieldByName("meeting_notes"), nullptr);
}

}  // namespace
}  // namespace accord::registry
