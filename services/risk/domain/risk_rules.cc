#include "services/risk/domain/risk_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/errors.h"
#include "google/protobuf/util/message_differencer.h"

namespace accord::risk {
namespace {

using api::FieldViolation;

std::string BandOf(int score, const RiskMatrix& matrix) {
  for (const auto& band : matrix.bands()) {
    if (score >= band.min_score() && score <= band.max_score()) return band.name();
  }
  return "";
}

void CheckRating(const v1::Rating& rating, const RiskMatrix& matrix, const std::string& field,
                 std::vector<FieldViolation>& violations) {
  auto check = [&](int level, int levels, const char* part) {
    if (level < 1 || level > levels) {
      violations.push_back({absl::StrCat(field, ".", part),
                            absl::StrCat("must be a level of the ", matrix.impact_levels_size(),
                                         "x", matrix.likelihood_levels_size(), " matrix, 1 to ",
                                         levels, "; got ", level)});
    }
  };
  check(rating.impact(), matrix.impact_levels_size(), "impact");
  check(rating.likelihood(), matrix.likelihood_levels_size(), "likelihood");
}

v1::Rating Filled(const v1::Rating& rating, const RiskMatrix& matrix) {
  v1::Rating out;
  out.set_impact(rating.impact());
  out.set_likelihood(rating.likelihood());
  out.set_score(rating.impact() * rating.likelihood());
  out.set_band(BandOf(out.score(), matrix));
  out.set_impact_label(matrix.impact_levels(rating.impact() - 1));
  out.set_likelihood_label(matrix.likelihood_levels(rating.likelihood() - 1));
  return out;
}

void RequireText(absl::string_view value, const std::string& field,
                 std::vector<FieldViolation>& violations) {
  if (absl::StripAsciiWhitespace(value).empty()) violations.push_back({field, "is required"});
}

}  // namespace

bool IsDate(absl::string_view date) {
  absl::Time time;
  std::string error;
  return date.size() == 10 && absl::ParseTime("%Y-%m-%d", date, &time, &error);
}

absl::StatusOr<v1::Rating> Rate(const v1::Rating& rating, const RiskMatrix& matrix,
                                absl::string_view field) {
  std::vector<FieldViolation> violations;
  CheckRating(rating, matrix, std::string(field), violations);
  if (!violations.empty()) return api::InvalidFields(violations);
  return Filled(rating, matrix);
}

absl::StatusOr<v1::Risk> ValidateAndRate(const v1::Risk& risk, const RiskMatrix& matrix,
                                         absl::string_view prefix) {
  std::string p(prefix);
  std::vector<FieldViolation> violations;
  RequireText(risk.title(), p + "title", violations);
  RequireText(risk.owner(), p + "owner", violations);
  if (risk.risk_to() == v1::RISK_TO_UNSPECIFIED || !v1::RiskTo_IsValid(risk.risk_to())) {
    violations.push_back({p + "risk_to", "is required: COUNCIL, PARTNERSHIP or BOTH"});
  }
  if (risk.category() == v1::CATEGORY_UNSPECIFIED || !v1::Category_IsValid(risk.category())) {
    violations.push_back({p + "category", "is required: one of the typical categories or OTHER"});
  } else if (risk.category() == v1::OTHER) {
    RequireText(risk.other_category(), p + "other_category", violations);
  }
  CheckRating(risk.inherent(), matrix, p + "inherent", violations);
  CheckRating(risk.residual(), matrix, p + "residual", violations);
  if (risk.has_target()) CheckRating(risk.target(), matrix, p + "target", violations);
  if (!IsDate(risk.review_date())) {
    violations.push_back(
        {p + "review_date",
         absl::StrCat("is required as a date written YYYY-MM-DD; got '", risk.review_date(), "'")});
  }
  for (int i = 0; i < risk.actions_size(); ++i) {
    const auto& action = risk.actions(i);
    std::string at = absl::StrCat(p, "actions[", i, "].");
    RequireText(action.description(), at + "description", violations);
    RequireText(action.owner(), at + "owner", violations);
    if (!IsDate(action.due_date())) {
      violations.push_back(
          {at + "due_date", absl::StrCat("is required as a date written YYYY-MM-DD; got '",
                                         action.due_date(), "'")});
    }
    if (!v1::MitigatingAction::Status_IsValid(action.status())) {
      violations.push_back({at + "status", "is not an action status"});
    }
  }
  if (!violations.empty()) return api::InvalidFields(violations);

  v1::Risk out = risk;
  *out.mutable_inherent() = Filled(risk.inherent(), matrix);
  *out.mutable_residual() = Filled(risk.residual(), matrix);
  if (risk.has_target()) *out.mutable_target() = Filled(risk.target(), matrix);
  for (auto& action : *out.mutable_actions()) {
    if (action.status() == v1::MitigatingAction::STATUS_UNSPECIFIED) {
      action.set_status(v1::MitigatingAction::NOT_STARTED);
    }
  }
  if (out.residual().score() > out.inherent().score() &&
      absl::StripAsciiWhitespace(out.residual_reason()).empty()) {
    return api::InvalidField(
        p + "residual_reason",
        absl::StrCat("is required when the residual rating (", out.residual().score(),
                     ") is above the inherent rating (", out.inherent().score(), ")"));
  }
  return out;
}

const std::set<std::string>& WritableFields() {
  static const auto* fields = new std::set<std::string>{
      "title",    "description", "risk_to",  "category", "other_category",  "owner",
      "inherent", "actions",     "residual", "target",   "residual_reason", "review_date"};
  return *fields;
}

bool OfferedContentDiffers(const v1::Risk& before, const v1::Risk& after) {
  v1::Risk a = before, b = after;
  for (v1::Risk* r : {&a, &b}) {
    r->clear_escalation();
    r->clear_recorded_in();
    r->clear_update_time();
    r->clear_etag();
  }
  return !google::protobuf::util::MessageDifferencer::Equals(a, b);
}

void UpdateEscalation(const v1::Risk* before, bool major, v1::Risk& risk) {
  bool offered = major && risk.state() == v1::Risk::OPEN;
  risk.clear_recorded_in();
  risk.add_recorded_in("SERVICE_PLAN");
  if (offered) risk.add_recorded_in("CORPORATE");
  v1::Escalation* escalation = risk.mutable_escalation();
  const auto state = escalation->state();
  bool taken = state == v1::Escalation::ACKNOWLEDGED || state == v1::Escalation::ACCEPTED ||
               state == v1::Escalation::REJECTED || state == v1::Escalation::CLOSED;
  if (offered) {
    bool changed = before != nullptr && OfferedContentDiffers(*before, risk);
    if (!taken || changed) escalation->set_state(v1::Escalation::PENDING);
  } else if (state == v1::Escalation::STATE_UNSPECIFIED) {
    escalation->set_state(v1::Escalation::NOT_REQUIRED);
  } else if (state == v1::Escalation::PENDING) {
    escalation->set_state(v1::Escalation::WITHDRAWN);  // never taken: nothing to tell
  } else if (taken && state != v1::Escalation::CLOSED) {
    // The corporate register holds it: the withdrawal must reach it through the queue.
    escalation->set_state(v1::Escalation::WITHDRAWAL_PENDING);
  }
}

bool IsOverdue(const v1::Risk& risk, absl::string_view as_of) {
  if (risk.state() != v1::Risk::OPEN) return false;
  if (risk.review_date() < as_of) return true;
  for (const auto& action : risk.actions()) {
    if (action.status() != v1::MitigatingAction::DONE && action.due_date() < as_of) return true;
  }
  return false;
}

v1::HeatMap BuildHeatMap(const std::vector<v1::Risk>& risks,
                         const accord::assessment::v1::Protocol& protocol) {
  const RiskMatrix& matrix = protocol.risk_matrix();
  v1::HeatMap map;
  map.set_protocol(protocol.name());
  map.set_protocol_version(protocol.version());
  *map.mutable_impact_levels() = matrix.impact_levels();
  *map.mutable_likelihood_levels() = matrix.likelihood_levels();
  int impacts = matrix.impact_levels_size();
  int likelihoods = matrix.likelihood_levels_size();
  for (int i = 1; i <= impacts; ++i) {
    for (int l = 1; l <= likelihoods; ++l) {
      auto* cell = map.add_cells();
      cell->set_impact(i);
      cell->set_likelihood(l);
      cell->set_band(BandOf(i * l, matrix));
    }
  }
  auto cell = [&](const v1::Rating& r) {
    return map.mutable_cells((r.impact() - 1) * likelihoods + (r.likelihood() - 1));
  };
  for (const v1::Risk& risk : risks) {
    if (risk.state() != v1::Risk::OPEN) continue;
    map.set_open_risks(map.open_risks() + 1);
    if (risk.protocol() != protocol.name() || risk.protocol_version() != protocol.version()) {
      map.set_unplaced_risks(map.unplaced_risks() + 1);
      continue;
    }
    auto* inherent = cell(risk.inherent());
    inherent->set_inherent_count(inherent->inherent_count() + 1);
    auto* residual = cell(risk.residual());
    residual->set_residual_count(residual->residual_count() + 1);
  }
  return map;
}

}  // namespace accord::risk
