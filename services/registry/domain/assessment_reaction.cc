#include "services/registry/domain/assessment_reaction.h"

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "common/lifecycle/lifecycle.h"
#include "services/registry/domain/partnership_rules.h"

namespace accord::registry {
namespace {

namespace assessment = accord::assessment::v1;
using lifecycle::Act;
using lifecycle::Outcome;

// The act an assessment-feed event records and what it tells about the state; nullopt for
// events that are not acts on a partnership (protocols, the service's own reactions).
struct EventAct {
  Act act;
  Outcome outcome;
};

std::optional<EventAct> ActOf(const events::v1::Event& event) {
  const std::string& action = event.action();
  if (action == "screened") {
    assessment::Screening screening;
    if (!event.resource().UnpackTo(&screening)) return std::nullopt;
    return EventAct{Act::kScreen, screening.outcome() == assessment::NOT_A_PARTNERSHIP
                                      ? Outcome::kScreenedOut
                                      : Outcome::kScreenedIn};
  }
  if (action == "assessed") return EventAct{Act::kAssess, Outcome::kAssessed};
  if (action == "moderated") return EventAct{Act::kModerate, Outcome::kNone};
  if (action == "submitted") return EventAct{Act::kSubmit, Outcome::kSubmitted};
  if (action == "approved") return EventAct{Act::kSignOff, Outcome::kApproved};
  if (action == "signed_off") return EventAct{Act::kSignOff, Outcome::kNone};
  if (action == "rejected") return EventAct{Act::kSignOff, Outcome::kRejected};
  return std::nullopt;
}

// Why the state moved, in the register's words.
std::string ReasonFor(const events::v1::Event& event, const v1::Partnership& after) {
  const std::string& action = event.action();
  if (action == "screened") {
    assessment::Screening screening;
    event.resource().UnpackTo(&screening);
    if (screening.outcome() == assessment::NOT_A_PARTNERSHIP) return screening.justification();
    return absl::StrCat("screened: ", assessment::ScreeningOutcome_Name(screening.outcome()));
  }
  if (action == "assessed" || action == "moderated") {
    return absl::StrCat(action, ": ", v1::Tier_Name(after.tier()));
  }
  if (action == "submitted") return "evaluation submitted for sign-off";
  if (action == "approved") return "evaluation signed off";
  if (action == "rejected") {
    assessment::Evaluation evaluation;
    event.resource().UnpackTo(&evaluation);
    return evaluation.rejection_reason();
  }
  return "";
}

}  // namespace

AssessmentReaction ReactToAssessment(const v1::Partnership& current,
                                     const events::v1::Event& event) {
  AssessmentReaction out;
  std::optional<EventAct> act = ActOf(event);
  if (!act) return out;
  out.refused = lifecycle::Check(current.name(), current.state(), act->act);
  if (!out.refused.ok()) return out;

  v1::Partnership next = current;
  if (event.action() == "screened" && next.protocol().empty()) {
    assessment::Screening screening;
    if (event.resource().UnpackTo(&screening)) next.set_protocol(screening.protocol());
  }
  if (event.action() == "assessed" || event.action() == "moderated") {
    assessment::Assessment assessed;
    if (!event.resource().UnpackTo(&assessed)) return out;
    // Both enums number LIMITED, MODERATE and MAJOR alike.
    next.set_tier(static_cast<v1::Tier>(assessed.final_tier()));
  }
  next.set_state(lifecycle::StateAfter(current.state(), act->outcome));
  // The reason follows the latest event that explains the state: the move itself, or for a
  // partnership in ASSESSED a new tier (re-assessed or moderated).
  bool tier_changed = next.tier() != current.tier();
  if (next.state() != current.state() || (tier_changed && next.state() == v1::ASSESSED)) {
    next.set_state_reason(ReasonFor(event, next));
  }
  if (next.state() != current.state() || tier_changed || next.protocol() != current.protocol() ||
      next.state_reason() != current.state_reason()) {
    out.after = std::move(next);
  }
  return out;
}

}  // namespace accord::registry
