#include "services/review/domain/review_rules.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "services/review/domain/calendar_date.h"

namespace accord::review {
namespace {

using api::FieldViolation;

bool Blank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

void Required(std::vector<FieldViolation>& out, absl::string_view prefix,
              absl::string_view field, absl::string_view value) {
  if (Blank(value)) out.push_back({absl::StrCat(prefix, field), "is required"});
}

// The date, or a violation; nullopt either way when invalid.
std::optional<absl::CivilDay> DateField(std::vector<FieldViolation>& out,
                                        absl::string_view prefix, absl::string_view field,
                                        absl::string_view value) {
  std::string path = absl::StrCat(prefix, field);
  if (value.empty()) {
    out.push_back({path, "is required (YYYY-MM-DD)"});
    return std::nullopt;
  }
  auto day = ParseDate(value, path);
  if (!day.ok()) {
    out.push_back({path, absl::StrCat("must be a date YYYY-MM-DD; got '", value, "'")});
    return std::nullopt;
  }
  return *day;
}

absl::Status Result(const std::vector<FieldViolation>& violations) {
  return violations.empty() ? absl::OkStatus() : api::InvalidFields(violations);
}

}  // namespace

absl::Status ValidateReview(const v1::Review& review, absl::string_view prefix,
                            absl::CivilDay today) {
  std::vector<FieldViolation> out;
  if (review.type() == accord::assessment::v1::REVIEW_TYPE_UNSPECIFIED) {
    out.push_back({absl::StrCat(prefix, "type"), "is required"});
  }
  auto start = DateField(out, prefix, "period_start", review.period_start());
  auto end = DateField(out, prefix, "period_end", review.period_end());
  if (start && end && *start > *end) {
    out.push_back({absl::StrCat(prefix, "period_end"),
                   absl::StrCat("must not be before period_start ", review.period_start())});
  }
  if (review.performance().empty()) {
    out.push_back({absl::StrCat(prefix, "performance"),
                   "needs at least one measure with target, actual and rating"});
  }
  for (int i = 0; i < review.performance_size(); ++i) {
    const v1::Measure& m = review.performance(i);
    std::string at = absl::StrCat(prefix, "performance[", i, "].");
    Required(out, at, "measure", m.measure());
    Required(out, at, "target", m.target());
    Required(out, at, "actual", m.actual());
    if (m.rating() == v1::RAG_UNSPECIFIED) {
      out.push_back({absl::StrCat(at, "rating"), "is required: RED, AMBER or GREEN"});
    }
  }
  Required(out, prefix, "partners_strength", review.partners_strength());
  if (review.recommendation() == v1::RECOMMENDATION_UNSPECIFIED) {
    out.push_back({absl::StrCat(prefix, "recommendation"),
                   "is required: CONTINUE, CONTINUE_WITH_CHANGES or EXIT"});
  }
  if (review.recommendation() != v1::CONTINUE &&
      review.recommendation() != v1::RECOMMENDATION_UNSPECIFIED) {
    Required(out, prefix, "recommendation_reason", review.recommendation_reason());
  }
  if (!review.completed_date().empty()) {
    auto done = DateField(out, prefix, "completed_date", review.completed_date());
    if (done && *done > today) {
      out.push_back({absl::StrCat(prefix, "completed_date"),
                     absl::StrCat("must not be in the future (today is ", FormatDate(today),
                                  ")")});
    }
  }
  for (int i = 0; i < review.risks_reviewed_size(); ++i) {
    Required(out, prefix, absl::StrCat("risks_reviewed[", i, "]"), review.risks_reviewed(i));
  }
  return Result(out);
}

absl::Status CheckReviewBusinessCase(const v1::Review& review,
                                     const accord::assessment::v1::Protocol& protocol,
                                     const std::set<std::string>& caller_roles) {
  const auto& rule = protocol.business_case();
  if (!rule.required_at_review()) return absl::OkStatus();
  if (Blank(review.business_case().reference())) {
    return api::InvalidField("review.business_case.reference",
                             absl::StrCat("is required: ", protocol.name(),
                                          " asks for a business case at each review"));
  }
  std::string signer = accord::assessment::v1::Role_Name(rule.signer());
  if (rule.signer() != accord::assessment::v1::ROLE_UNSPECIFIED && !caller_roles.count(signer)) {
    return api::Error(absl::StatusCode::kPermissionDenied, "SIGNER_ROLE_REQUIRED",
                      absl::StrCat("review.business_case: the business case at review must be "
                                   "signed by a ",
                                   signer, "; the caller does not hold that role"));
  }
  return absl::OkStatus();
}

absl::Status ValidateExitStrategy(const v1::ExitStrategy& strategy, absl::string_view prefix) {
  std::vector<FieldViolation> out;
  Required(out, prefix, "end_arrangements", strategy.end_arrangements());
  Required(out, prefix, "mainstreaming", strategy.mainstreaming());
  Required(out, prefix, "council_leaving", strategy.council_leaving());
  Required(out, prefix, "resources_returned", strategy.resources_returned());
  Required(out, prefix, "residual_liabilities", strategy.residual_liabilities());
  Required(out, prefix, "impact_assessment", strategy.impact_assessment());
  Required(out, prefix, "review_frequency", strategy.review_frequency());
  DateField(out, prefix, "review_date", strategy.review_date());
  return Result(out);
}

absl::Status ValidateExit(const v1::Exit& exit, absl::string_view prefix) {
  std::vector<FieldViolation> out;
  DateField(out, prefix, "exit_date", exit.exit_date());
  Required(out, prefix, "residual_liabilities", exit.residual_liabilities());
  Required(out, prefix, "reason", exit.reason());
  return Result(out);
}

}  // namespace accord::review
