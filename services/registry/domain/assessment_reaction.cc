#include "services/registry/domain/assessment_reaction.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "services/registry/domain/partnership_rules.h"

namespace accord::registry {
namespace {

namespace assessment = accord::assessment::v1;

// Applies a move when the life cycle allows it from the current state.
bool MoveTo(v1::Partnership& p, v1::State to, const std::string& reason) {
  if (!NextStates(p.state()).count(to)) return false;
  p.set_state(to);
  p.set_state_reason(reason);
  return true;
}

}  // namespace

std::string PartnershipOfEvent(const events::v1::Event& event) {
  const std::string& name = event.resource_name();
  if (!absl::StartsWith(name, kCollection)) return "";
  size_t end = name.find('/', kCollection.size());
  return end == std::string::npos ? "" : name.substr(0, end);
}

std::optional<v1::Partnership> ReactToAssessment(const v1::Partnership& current,
                                                 const events::v1::Event& event) {
  if (IsReadOnly(current.state())) return std::nullopt;  // a closed record stays as it is
  v1::Partnership next = current;
  bool changed = false;
  const std::string& action = event.action();
  if (action == "screened") {
    assessment::Screening screening;
    if (!event.resource().UnpackTo(&screening)) return std::nullopt;
    if (screening.outcome() == assessment::NOT_A_PARTNERSHIP) {
      changed = MoveTo(next, v1::SCREENED_OUT, screening.justification());
    } else if (current.state() == v1::PROPOSED) {
      changed = MoveTo(next, v1::SCREENED,
                       absl::StrCat("screened: ",
                                    assessment::ScreeningOutcome_Name(screening.outcome())));
    }
  } else if (action == "assessed" || action == "moderated") {
    assessment::Assessment assessed;
    if (!event.resource().UnpackTo(&assessed)) return std::nullopt;
    // Both enums number LIMITED, MODERATE and MAJOR alike.
    auto tier = static_cast<v1::Tier>(assessed.final_tier());
    if (next.tier() != tier) {
      next.set_tier(tier);
      changed = true;
    }
    if (current.state() == v1::SCREENED) {
      changed |= MoveTo(next, v1::ASSESSED, absl::StrCat("assessed: ", v1::Tier_Name(tier)));
    }
  } else if (action == "submitted") {
    changed = current.state() == v1::ASSESSED &&
              MoveTo(next, v1::AWAITING_APPROVAL, "evaluation submitted for sign-off");
  } else if (action == "approved") {
    changed = current.state() == v1::AWAITING_APPROVAL &&
              MoveTo(next, v1::ACTIVE, "evaluation signed off");
  } else if (action == "rejected") {
    assessment::Evaluation evaluation;
    if (!event.resource().UnpackTo(&evaluation)) return std::nullopt;
    changed = current.state() == v1::AWAITING_APPROVAL &&
              MoveTo(next, v1::REJECTED, evaluation.rejection_reason());
  }
  if (!changed) return std::nullopt;
  return next;
}

}  // namespace accord::registry
