// The life-cycle policy as a whole: every state x every act, against expectations written
// here from DOMAIN.md section 8 and the seeds (not read from the table), and the refusals'
// codes, reasons and messages. The same matrix runs through the real services in
// tests/integration/lifecycle_e2e_test.cc.
#include "common/lifecycle/lifecycle.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "gtest/gtest.h"

namespace accord::lifecycle {
namespace {

namespace rv1 = registry::v1;
using A = Act;

// What each governed state allows, by the rule book.
std::set<Act> Expected(State state) {
  const std::set<Act> any_governed = {A::kEditRecord, A::kRecordRisk, A::kExitStrategy, A::kNote,
                                      A::kFinance};
  std::set<Act> acts = any_governed;
  switch (state) {
    case rv1::PROPOSED:  // only screening moves it on
      acts.insert(A::kScreen);
      return acts;
    case rv1::SCREENED:  // re-screened, or scored
      acts.insert({A::kScreen, A::kAssess});
      return acts;
    case rv1::ASSESSED:  // scored: its document written and submitted
      acts.insert({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit});
      return acts;
    case rv1::AWAITING_APPROVAL:  // and signed off or rejected
      acts.insert({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit, A::kSignOff});
      return acts;
    case rv1::ACTIVE:
    case rv1::UNDER_REVIEW:  // running: reviewed, re-scored, re-approved, exited
      acts.insert(
          {A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit, A::kSignOff, A::kReview, A::kExit});
      return acts;
    case rv1::EXITING:  // winding down: no new scoring or approval
      acts.insert({A::kReview, A::kExit});
      return acts;
    default:  // CLOSED, SCREENED_OUT, REJECTED: read-only for ever
      return {};
  }
}

TEST(Lifecycle, EveryStateAndActIsDecidedByTheRuleBook) {
  int cases = 0;
  for (State state : AllStates()) {
    std::set<Act> expected = Expected(state);
    for (Act act : AllActs()) {
      ++cases;
      bool allowed = expected.count(act) > 0;
      EXPECT_EQ(Allows(state, act), allowed) << rv1::State_Name(state) << " x " << ActName(act);
      absl::Status checked = Check("partnerships/p", state, act);
      EXPECT_EQ(checked.ok(), allowed) << rv1::State_Name(state) << " x " << ActName(act);
      if (!allowed) {
        EXPECT_EQ(checked.code(), absl::StatusCode::kFailedPrecondition);
        // The message names the partnership and its state.
        EXPECT_TRUE(
            absl::StrContains(checked.message(), "partnerships/p is " + rv1::State_Name(state)))
            << checked;
      }
    }
  }
  EXPECT_EQ(cases, 10 * 13);
}

TEST(Lifecycle, RefusalsSayWhy) {
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::CLOSED, A::kRecordRisk)),
            "PARTNERSHIP_CLOSED");
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::SCREENED_OUT, A::kAssess)),
            "PARTNERSHIP_SCREENED_OUT");
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::REJECTED, A::kNote)),
            "PARTNERSHIP_REJECTED");
  absl::Status unscreened = Check("partnerships/p", rv1::PROPOSED, A::kAssess);
  EXPECT_EQ(api::ReasonOf(unscreened), "PARTNERSHIP_NOT_SCREENED");
  // What to do next, and what the state allows.
  EXPECT_TRUE(absl::StrContains(unscreened.message(), "screen it first")) << unscreened;
  EXPECT_TRUE(absl::StrContains(unscreened.message(), "allows: edit the register entry, screen"))
      << unscreened;
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::SCREENED, A::kEvaluate)),
            "PARTNERSHIP_NOT_ASSESSED");
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::ASSESSED, A::kSignOff)),
            "PARTNERSHIP_NOT_SUBMITTED");
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::ASSESSED, A::kReview)),
            "PARTNERSHIP_NOT_APPROVED");
  EXPECT_EQ(api::ReasonOf(Check("partnerships/p", rv1::EXITING, A::kAssess)),
            "PARTNERSHIP_EXITING");
  // A closed partnership is read-only, and says so.
  EXPECT_TRUE(
      absl::StrContains(Check("partnerships/p", rv1::CLOSED, A::kFinance).message(), "read-only"));
}

TEST(Lifecycle, FinalStatesAreTheOnesThatAllowNothing) {
  for (State state : AllStates()) {
    bool allows_any = false;
    for (Act act : AllActs()) allows_any = allows_any || Allows(state, act);
    EXPECT_EQ(IsFinal(state), !allows_any) << rv1::State_Name(state);
  }
}

TEST(Lifecycle, TheAssessmentServicesActsMoveThePartnershipOneStepAtATime) {
  EXPECT_EQ(StateAfter(rv1::PROPOSED, Outcome::kScreenedIn), rv1::SCREENED);
  EXPECT_EQ(StateAfter(rv1::PROPOSED, Outcome::kScreenedOut), rv1::SCREENED_OUT);
  EXPECT_EQ(StateAfter(rv1::SCREENED, Outcome::kScreenedOut), rv1::SCREENED_OUT);
  EXPECT_EQ(StateAfter(rv1::SCREENED, Outcome::kScreenedIn), rv1::SCREENED);
  EXPECT_EQ(StateAfter(rv1::SCREENED, Outcome::kAssessed), rv1::ASSESSED);
  EXPECT_EQ(StateAfter(rv1::ASSESSED, Outcome::kAssessed), rv1::ASSESSED);  // re-scored
  EXPECT_EQ(StateAfter(rv1::ASSESSED, Outcome::kSubmitted), rv1::AWAITING_APPROVAL);
  EXPECT_EQ(StateAfter(rv1::AWAITING_APPROVAL, Outcome::kApproved), rv1::ACTIVE);
  EXPECT_EQ(StateAfter(rv1::AWAITING_APPROVAL, Outcome::kRejected), rv1::REJECTED);
  // A re-approval of a running partnership moves nothing.
  EXPECT_EQ(StateAfter(rv1::ACTIVE, Outcome::kApproved), rv1::ACTIVE);
  EXPECT_EQ(StateAfter(rv1::UNDER_REVIEW, Outcome::kSubmitted), rv1::UNDER_REVIEW);
  // Every move it makes is one the act itself was allowed from.
  const std::map<Outcome, Act> act_of = {
      {Outcome::kScreenedIn, A::kScreen}, {Outcome::kScreenedOut, A::kScreen},
      {Outcome::kAssessed, A::kAssess},   {Outcome::kSubmitted, A::kSubmit},
      {Outcome::kApproved, A::kSignOff},  {Outcome::kRejected, A::kSignOff}};
  for (State from : AllStates()) {
    for (const auto& [outcome, act] : act_of) {
      if (StateAfter(from, outcome) != from) {
        EXPECT_TRUE(Allows(from, act)) << rv1::State_Name(from);
      }
    }
  }
}

TEST(Lifecycle, OwnRecordsCountUntilTheRegisterMovesPastApproval) {
  // Before approval the assessment service's own records are ahead of the register's feed.
  EXPECT_EQ(Effective(rv1::PROPOSED, rv1::SCREENED), rv1::SCREENED);
  EXPECT_EQ(Effective(rv1::SCREENED, rv1::AWAITING_APPROVAL), rv1::AWAITING_APPROVAL);
  EXPECT_EQ(Effective(rv1::ASSESSED, rv1::SCREENED), rv1::ASSESSED);  // the register is ahead
  EXPECT_EQ(Effective(rv1::AWAITING_APPROVAL, rv1::REJECTED), rv1::REJECTED);
  // From approval on, and once ended, the register decides: its own acts move it there.
  for (State own : AllStates()) {
    for (State registered : {rv1::ACTIVE, rv1::UNDER_REVIEW, rv1::EXITING, rv1::CLOSED,
                             rv1::SCREENED_OUT, rv1::REJECTED}) {
      EXPECT_EQ(Effective(registered, own), registered);
    }
  }
}

TEST(Lifecycle, OwnProgressIsForgottenOnceTheRegisterCatchesUpOrMovesBack) {
  // Still ahead: the register has reported the screening, not yet the assessment.
  EXPECT_EQ(OwnProgressAfter(rv1::PROPOSED, rv1::SCREENED, rv1::ASSESSED), rv1::ASSESSED);
  // Caught up, or past approval: forgotten.
  EXPECT_EQ(OwnProgressAfter(rv1::SCREENED, rv1::ASSESSED, rv1::ASSESSED), rv1::STATE_UNSPECIFIED);
  EXPECT_EQ(OwnProgressAfter(rv1::AWAITING_APPROVAL, rv1::ACTIVE, rv1::ACTIVE),
            rv1::STATE_UNSPECIFIED);
  EXPECT_EQ(OwnProgressAfter(rv1::ASSESSED, rv1::CLOSED, rv1::AWAITING_APPROVAL),
            rv1::STATE_UNSPECIFIED);
  // The keeper sent the evaluation back: the register's word stands, so a sign-off is refused.
  State own = OwnProgressAfter(rv1::AWAITING_APPROVAL, rv1::ASSESSED, rv1::AWAITING_APPROVAL);
  EXPECT_EQ(own, rv1::STATE_UNSPECIFIED);
  EXPECT_FALSE(Allows(Effective(rv1::ASSESSED, own), Act::kSignOff));
}

TEST(Lifecycle, TheGuidesTableSaysWhatTheCodeDoes) {
  std::ifstream file(std::string(ACCORD_SOURCE_DIR) + "/docs/lifecycle.md");
  ASSERT_TRUE(file.good());
  std::vector<State> columns;
  std::set<std::string> rows_seen;
  std::string line;
  while (std::getline(file, line)) {
    if (!absl::StartsWith(line, "| ")) continue;
    std::vector<std::string> cells;
    for (absl::string_view cell : absl::StrSplit(line, '|')) {
      cells.emplace_back(absl::StripAsciiWhitespace(cell));
    }
    // "", first cell, ..., "" around the bars.
    cells = std::vector<std::string>(cells.begin() + 1, cells.end() - 1);
    if (cells.front() == "act") {
      for (size_t i = 1; i < cells.size(); ++i) {
        State state;
        ASSERT_TRUE(rv1::State_Parse(cells[i], &state)) << cells[i];
        columns.push_back(state);
      }
      continue;
    }
    for (Act act : AllActs()) {
      if (cells.front() != ActName(act)) continue;
      rows_seen.insert(cells.front());
      ASSERT_EQ(cells.size(), columns.size() + 1) << line;
      for (size_t i = 0; i < columns.size(); ++i) {
        EXPECT_EQ(cells[i + 1] == "yes", Allows(columns[i], act))
            << ActName(act) << " in " << rv1::State_Name(columns[i]) << ": docs/lifecycle.md says "
            << cells[i + 1];
      }
    }
  }
  EXPECT_EQ(columns.size(), AllStates().size());
  EXPECT_EQ(rows_seen.size(), AllActs().size()) << "every act has a row";
}

}  // namespace
}  // namespace accord::lifecycle
