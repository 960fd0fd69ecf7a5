#include "services/assessment/domain/evaluation_rules.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/api/errors.h"
#include "services/assessment/domain/violations.h"

namespace accord::assessment {
namespace {

using State = v1::Evaluation::State;

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

std::string RoleNames(const std::vector<v1::Role>& roles) {
  if (roles.empty()) return "none";
  return absl::StrJoin(roles, ", ", [](std::string* out, v1::Role role) {
    out->append(v1::Role_IsValid(role) ? v1::Role_Name(role) : absl::StrCat(role));
  });
}

std::string StateName(State state) {
  return v1::Evaluation::State_IsValid(state) ? v1::Evaluation::State_Name(state)
                                              : absl::StrCat(static_cast<int>(state));
}

// Appends "<label>: <item text>" for each item not answered with met = true.
void MissingFromChecklist(const google::protobuf::RepeatedPtrField<v1::ChecklistItem>& items,
                          const google::protobuf::RepeatedPtrField<v1::ChecklistAnswer>& answers,
                          absl::string_view label, std::vector<std::string>& missing) {
  std::map<std::string, bool> met;
  for (const v1::ChecklistAnswer& answer : answers) {
    met[answer.item_id()] = met[answer.item_id()] || answer.met();
  }
  for (const v1::ChecklistItem& item : items) {
    if (!met[item.id()]) missing.push_back(absl::StrCat(label, ": ", item.text()));
  }
}

bool Holds(const v1::Evaluation& evaluation, absl::string_view document) {
  const absl::string_view wanted = absl::StripAsciiWhitespace(document);
  for (const std::string& held : evaluation.documents_held()) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(held), wanted)) return true;
  }
  return false;
}

absl::Status CheckExecutiveDecision(const v1::ExecutiveDecision& decision) {
  Violations v;
  absl::Time date;
  std::string error;
  if (decision.date().empty()) {
    v.Add("executive_decision.date",
          "is required when signing for the Council / Executive: the date of its decision");
  } else if (decision.date().size() != 10 ||
             !absl::ParseTime("%Y-%m-%d", decision.date(), &date, &error)) {
    v.Add("executive_decision.date",
          absl::StrCat("must be a date written YYYY-MM-DD; got '", decision.date(), "'"));
  }
  if (IsBlank(decision.minute_reference())) {
    v.Add("executive_decision.minute_reference",
          "is required when signing for the Council / Executive: the minute recording "
          "its decision");
  }
  return v.Done();
}

}  // namespace

std::vector<std::string> MissingItems(const v1::Evaluation& evaluation,
                                      const v1::Requirements& requirements,
                                      const v1::Protocol& protocol) {
  std::vector<std::string> missing;
  for (int number : requirements.required_sections()) {
    bool present = false;
    for (const v1::SectionAnswer& section : evaluation.sections()) {
      if (section.number() == number && !IsBlank(section.text())) present = true;
    }
    if (present) continue;
    std::string title;
    for (const v1::EvaluationSection& section : protocol.evaluation_sections()) {
      if (section.number() == number) title = section.title();
    }
    missing.push_back(title.empty() ? absl::StrCat("section ", number)
                                    : absl::StrCat("section ", number, " (", title, ")"));
  }
  if (requirements.tier() == v1::MODERATE || requirements.tier() == v1::MAJOR) {
    MissingFromChecklist(protocol.governance_checklist(), evaluation.governance_checklist(),
                         "governance checklist", missing);
  }
  if (requirements.memorandum_required()) {
    MissingFromChecklist(protocol.memorandum_checklist(), evaluation.memorandum_checklist(),
                         "memorandum checklist", missing);
  }
  MissingFromChecklist(protocol.pre_entry_checklist(), evaluation.pre_entry_checklist(),
                       "pre-entry checklist", missing);
  if (requirements.business_case_required() && IsBlank(evaluation.business_case().reference())) {
    missing.push_back("business case reference");
  }
  for (const std::string& document : requirements.extra_documents()) {
    if (!Holds(evaluation, document)) missing.push_back(absl::StrCat("document: ", document));
  }
  return missing;
}

std::vector<v1::Role> RequiredSignOffRoles(const v1::Requirements& requirements) {
  std::vector<v1::Role> roles;
  auto add = [&roles](v1::Role role) {
    if (role != v1::ROLE_UNSPECIFIED &&
        std::find(roles.begin(), roles.end(), role) == roles.end()) {
      roles.push_back(role);
    }
  };
  for (int role : requirements.sign_off_roles()) add(static_cast<v1::Role>(role));
  if (requirements.executive_decision_required()) add(v1::EXECUTIVE);
  if (requirements.memorandum_required()) add(requirements.memorandum_approver());
  if (requirements.business_case_required()) add(requirements.business_case_signer());
  return roles;
}

std::vector<v1::Role> PendingSignOffs(const v1::Evaluation& evaluation,
                                      const v1::Requirements& requirements) {
  std::vector<v1::Role> pending;
  for (v1::Role role : RequiredSignOffRoles(requirements)) {
    const bool signed_already =
        std::any_of(evaluation.sign_offs().begin(), evaluation.sign_offs().end(),
                    [role](const v1::SignOff& s) { return s.role() == role; });
    if (!signed_already) pending.push_back(role);
  }
  return pending;
}

absl::Status CheckSubmit(const v1::Evaluation& evaluation,
                         const std::vector<std::string>& missing) {
  if (evaluation.state() != v1::Evaluation::DRAFT) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "EVALUATION_NOT_DRAFT",
                      absl::StrCat("state: only a DRAFT evaluation can be submitted; this one is ",
                                   StateName(evaluation.state())));
  }
  if (!missing.empty()) {
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "EVALUATION_INCOMPLETE",
        absl::StrCat("the evaluation is incomplete; missing: ", absl::StrJoin(missing, "; ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Evaluation> ApplySignOff(const v1::Evaluation& evaluation,
                                            const v1::Requirements& requirements,
                                            const v1::Protocol& protocol, v1::Role role,
                                            absl::string_view officer,
                                            const std::set<v1::Role>& officer_roles,
                                            const v1::ExecutiveDecision& decision,
                                            const google::protobuf::Timestamp& now) {
  if (evaluation.state() != v1::Evaluation::SUBMITTED) {
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "EVALUATION_NOT_SUBMITTED",
        absl::StrCat("state: only a SUBMITTED evaluation can be signed off; this one is ",
                     StateName(evaluation.state())));
  }
  const std::string role_name =
      v1::Role_IsValid(role) ? v1::Role_Name(role) : absl::StrCat(static_cast<int>(role));
  if (IsBlank(officer)) {
    return api::Error(absl::StatusCode::kPermissionDenied, "OFFICER_REQUIRED",
                      "officer: a sign-off needs the signing officer's identity");
  }
  if (role == v1::ROLE_UNSPECIFIED || !officer_roles.contains(role)) {
    return api::Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_HELD",
                      absl::StrCat("role: officer ", officer, " does not hold the role ", role_name,
                                   " and cannot sign off as it"));
  }
  const std::vector<v1::Role> pending = PendingSignOffs(evaluation, requirements);
  if (std::find(pending.begin(), pending.end(), role) == pending.end()) {
    const std::vector<v1::Role> required = RequiredSignOffRoles(requirements);
    const bool is_required = std::find(required.begin(), required.end(), role) != required.end();
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "SIGN_OFF_NOT_PENDING",
        absl::StrCat("role: no sign-off as ", role_name, " is pending (",
                     is_required ? "already signed" : "not required for this evaluation",
                     "); pending: ", RoleNames(pending)));
  }
  if (officer == evaluation.submitted_by()) {
    return api::Error(absl::StatusCode::kPermissionDenied, "OWN_SUBMISSION",
                      absl::StrCat("officer: ", officer,
                                   " submitted this evaluation; the person who submitted it "
                                   "cannot sign it off"));
  }
  const std::vector<std::string> missing = MissingItems(evaluation, requirements, protocol);
  if (!missing.empty()) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "EVALUATION_INCOMPLETE",
                      absl::StrCat("sign-off is refused until the document is complete; "
                                   "missing: ",
                                   absl::StrJoin(missing, "; ")));
  }
  const bool decision_given = !decision.date().empty() || !decision.minute_reference().empty();
  if (role == v1::EXECUTIVE && (requirements.executive_decision_required() || decision_given)) {
    absl::Status valid = CheckExecutiveDecision(decision);
    if (!valid.ok()) return valid;
  }

  v1::Evaluation out = evaluation;
  v1::SignOff* sign_off = out.add_sign_offs();
  sign_off->set_role(role);
  sign_off->set_officer(std::string(officer));
  *sign_off->mutable_sign_time() = now;
  if (requirements.memorandum_required() && role == requirements.memorandum_approver()) {
    *out.mutable_memorandum_approval() = *sign_off;
  }
  if (requirements.business_case_required() && role == requirements.business_case_signer()) {
    out.mutable_business_case()->set_signed_by(std::string(officer));
  }
  if (role == v1::EXECUTIVE && decision_given) *out.mutable_executive_decision() = decision;

  const std::vector<v1::Role> still_pending = PendingSignOffs(out, requirements);
  out.clear_pending_sign_offs();
  for (v1::Role r : still_pending) out.add_pending_sign_offs(r);
  out.clear_missing_items();
  if (still_pending.empty()) out.set_state(v1::Evaluation::APPROVED);
  *out.mutable_update_time() = now;
  return out;
}

absl::StatusOr<v1::Evaluation> ApplyRejection(const v1::Evaluation& evaluation,
                                              absl::string_view reason, absl::string_view officer,
                                              const std::set<v1::Role>& officer_roles,
                                              const v1::Requirements& requirements) {
  if (evaluation.state() != v1::Evaluation::SUBMITTED) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "EVALUATION_NOT_SUBMITTED",
                      absl::StrCat("state: only a SUBMITTED evaluation can be rejected; this "
                                   "one is ",
                                   StateName(evaluation.state())));
  }
  if (IsBlank(reason)) {
    return api::InvalidField("reason", "is required: say why the evaluation is rejected");
  }
  const std::vector<v1::Role> required = RequiredSignOffRoles(requirements);
  const bool may_reject = std::any_of(required.begin(), required.end(),
                                      [&](v1::Role role) { return officer_roles.contains(role); });
  if (!may_reject) {
    return api::Error(absl::StatusCode::kPermissionDenied, "ROLE_NOT_HELD",
                      absl::StrCat("role: rejecting needs one of the sign-off roles ",
                                   RoleNames(required), "; officer ", officer, " holds none"));
  }
  v1::Evaluation out = evaluation;
  out.set_state(v1::Evaluation::REJECTED);
  out.set_rejection_reason(std::string(reason));
  return out;
}

}  // namespace accord::assessment
