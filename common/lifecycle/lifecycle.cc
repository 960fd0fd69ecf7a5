#include "common/lifecycle/lifecycle.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/errors.h"

namespace accord::lifecycle {
namespace {

namespace rv1 = registry::v1;
using A = Act;

// The table. A state not listed allows nothing (CLOSED, SCREENED_OUT, REJECTED).
const std::map<State, std::set<Act>>& Table() {
  // Acts open to any partnership that is still governed.
  static const auto* table = [] {
    const std::set<Act> always = {A::kEditRecord, A::kRecordRisk, A::kExitStrategy, A::kNote,
                                  A::kFinance};
    auto with = [&](std::initializer_list<Act> more) {
      std::set<Act> acts = always;
      acts.insert(more);
      return acts;
    };
    return new std::map<State, std::set<Act>>{
        {rv1::PROPOSED, with({A::kScreen})},
        // Screened again before it is scored; scored.
        {rv1::SCREENED, with({A::kScreen, A::kAssess})},
        // Re-scored or moderated; its evaluation written and submitted.
        {rv1::ASSESSED, with({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit})},
        {rv1::AWAITING_APPROVAL,
         with({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit, A::kSignOff})},
        // Running: reviewed, re-scored and re-approved when its tier changes, exited.
        {rv1::ACTIVE, with({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit, A::kSignOff,
                            A::kReview, A::kExit})},
        {rv1::UNDER_REVIEW, with({A::kAssess, A::kModerate, A::kEvaluate, A::kSubmit, A::kSignOff,
                                  A::kReview, A::kExit})},
        // Winding down: its risks, reviews, exit strategy and the closing decision.
        {rv1::EXITING, with({A::kReview, A::kExit})},
    };
  }();
  return *table;
}

// What to do before `act` is possible in a governed `state`, and the reason code.
std::pair<absl::string_view, absl::string_view> Before(State state, Act act) {
  switch (state) {
    case rv1::PROPOSED:
      return {"PARTNERSHIP_NOT_SCREENED", "screen it first"};
    case rv1::SCREENED:
      return {"PARTNERSHIP_NOT_ASSESSED", "record its significance assessment first"};
    case rv1::ASSESSED:
    case rv1::AWAITING_APPROVAL:
      if (act == A::kSignOff) return {"PARTNERSHIP_NOT_SUBMITTED", "submit its evaluation first"};
      return {"PARTNERSHIP_NOT_APPROVED", "its evaluation must be signed off first"};
    case rv1::EXITING:
      return {"PARTNERSHIP_EXITING", "it is being exited; close it with CreateExit"};
    default:
      return {"ACT_NOT_ALLOWED", ""};
  }
}

}  // namespace

const std::vector<Act>& AllActs() {
  static const auto* acts = new std::vector<Act>{
      A::kEditRecord, A::kScreen,  A::kAssess,     A::kModerate, A::kEvaluate,
      A::kSubmit,     A::kSignOff, A::kRecordRisk, A::kReview,   A::kExitStrategy,
      A::kExit,       A::kNote,    A::kFinance};
  return *acts;
}

const std::vector<State>& AllStates() {
  static const auto* states = [] {
    auto* list = new std::vector<State>;
    for (int i = rv1::State_MIN + 1; i <= rv1::State_MAX; ++i) {
      if (rv1::State_IsValid(i)) list->push_back(static_cast<State>(i));
    }
    return list;
  }();
  return *states;
}

absl::string_view ActName(Act act) {
  switch (act) {
    case A::kEditRecord:
      return "edit the register entry";
    case A::kScreen:
      return "screen";
    case A::kAssess:
      return "assess significance";
    case A::kModerate:
      return "moderate the tier";
    case A::kEvaluate:
      return "write an evaluation";
    case A::kSubmit:
      return "submit an evaluation";
    case A::kSignOff:
      return "sign off or reject an evaluation";
    case A::kRecordRisk:
      return "record or change a risk";
    case A::kReview:
      return "record a review or report";
    case A::kExitStrategy:
      return "write the exit strategy";
    case A::kExit:
      return "exit";
    case A::kNote:
      return "add a meeting note or annual summary";
    case A::kFinance:
      return "record finance figures";
  }
  return "act";
}

bool Allows(State state, Act act) {
  auto it = Table().find(state);
  return it != Table().end() && it->second.count(act) > 0;
}

bool IsFinal(State state) {
  return state == rv1::CLOSED || state == rv1::SCREENED_OUT || state == rv1::REJECTED;
}

absl::Status Check(absl::string_view partnership, State state, Act act) {
  if (Allows(state, act)) return absl::OkStatus();
  std::string state_name = rv1::State_Name(state);
  if (IsFinal(state) || state == rv1::STATE_UNSPECIFIED) {
    absl::string_view reason = state == rv1::CLOSED         ? "PARTNERSHIP_CLOSED"
                               : state == rv1::SCREENED_OUT ? "PARTNERSHIP_SCREENED_OUT"
                               : state == rv1::REJECTED     ? "PARTNERSHIP_REJECTED"
                                                            : "PARTNERSHIP_STATE_UNKNOWN";
    return api::Error(
        absl::StatusCode::kFailedPrecondition, reason,
        absl::StrCat(partnership, " is ", state_name, ": it cannot ", ActName(act), "; a ",
                     state_name, " partnership is kept on record, read-only"));
  }
  auto [reason, next] = Before(state, act);
  std::vector<std::string> allowed;
  for (Act a : AllActs()) {
    if (Allows(state, a)) allowed.emplace_back(ActName(a));
  }
  return api::Error(absl::StatusCode::kFailedPrecondition, reason,
                    absl::StrCat(partnership, " is ", state_name, ": it cannot ", ActName(act),
                                 next.empty() ? "" : absl::StrCat("; ", next), ". A ", state_name,
                                 " partnership allows: ", absl::StrJoin(allowed, ", ")));
}

State StateAfter(State from, Outcome outcome) {
  switch (outcome) {
    case Outcome::kScreenedIn:
      return from == rv1::PROPOSED ? rv1::SCREENED : from;
    case Outcome::kScreenedOut:
      return from == rv1::PROPOSED || from == rv1::SCREENED ? rv1::SCREENED_OUT : from;
    case Outcome::kAssessed:
      return from == rv1::SCREENED ? rv1::ASSESSED : from;
    case Outcome::kSubmitted:
      return from == rv1::ASSESSED ? rv1::AWAITING_APPROVAL : from;
    case Outcome::kApproved:
      return from == rv1::AWAITING_APPROVAL ? rv1::ACTIVE : from;
    case Outcome::kRejected:
      return from == rv1::AWAITING_APPROVAL ? rv1::REJECTED : from;
    case Outcome::kNone:
      return from;
  }
  return from;
}

namespace {

// How far along the steps before approval a state is; -1 for states the register reaches by
// its own acts (or that end the partnership).
int Rank(State s) {
  switch (s) {
    case rv1::PROPOSED:
      return 0;
    case rv1::SCREENED:
      return 1;
    case rv1::ASSESSED:
      return 2;
    case rv1::AWAITING_APPROVAL:
      return 3;
    case rv1::ACTIVE:
    case rv1::SCREENED_OUT:
    case rv1::REJECTED:
      return 4;
    default:
      return -1;
  }
}

}  // namespace

State Effective(State register_state, State own_progress) {
  int registered = Rank(register_state);
  if (registered < 0 || registered == 4) return register_state;
  return Rank(own_progress) > registered ? own_progress : register_state;
}

State OwnProgressAfter(State register_before, State register_after, State own_progress) {
  int after = Rank(register_after);
  bool caught_up = after >= Rank(own_progress);
  bool backwards = Rank(register_before) >= 0 && after < Rank(register_before);
  if (after < 0 || after == 4 || caught_up || backwards) return rv1::STATE_UNSPECIFIED;
  return own_progress;
}

}  // namespace accord::lifecycle
