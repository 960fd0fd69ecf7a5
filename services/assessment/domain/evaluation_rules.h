// The evaluation document a tier requires (DOMAIN.md sections 4-5): what is still missing
// from it, who must still sign it off, and the submit / sign-off / reject rules. Pure
// functions of their arguments; safe to call from any thread. The caller supplies the
// officer's identity and roles, and the time.
#ifndef ACCORD_SERVICES_ASSESSMENT_DOMAIN_EVALUATION_RULES_H_
#define ACCORD_SERVICES_ASSESSMENT_DOMAIN_EVALUATION_RULES_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace accord::assessment {

// Every item the evaluation still lacks, by name, in this order:
// - "section 3 (Contribution to the council's corporate aims)" for each required section
//   whose text is blank or absent;
// - "governance checklist: <item text>" for MODERATE and MAJOR tiers, for each item of the
//   protocol's governance checklist not answered with met = true;
// - "memorandum checklist: <item text>" likewise when the memorandum is required;
// - "pre-entry checklist: <item text>" likewise whenever the protocol has such a checklist;
// - "business case reference" when a business case is required and has no reference;
// - "document: <name>" for each extra document not in documents_held (compared ignoring
//   case and surrounding spaces).
// Empty when the evaluation is complete.
std::vector<std::string> MissingItems(const v1::Evaluation& evaluation,
                                      const v1::Requirements& requirements,
                                      const v1::Protocol& protocol);

// Every role whose sign-off the requirements call for, in this order without repeats:
// sign_off_roles; EXECUTIVE when an Executive decision is required; the memorandum approver
// when the memorandum is required; the business case signer when a business case is.
std::vector<v1::Role> RequiredSignOffRoles(const v1::Requirements& requirements);

// RequiredSignOffRoles minus the roles that have already signed, in the same order.
std::vector<v1::Role> PendingSignOffs(const v1::Evaluation& evaluation,
                                      const v1::Requirements& requirements);

// OK when a DRAFT evaluation may be submitted: FAILED_PRECONDITION when it is in another
// state, or when `missing` (from MissingItems) is not empty, listing every missing item.
absl::Status CheckSubmit(const v1::Evaluation& evaluation, const std::vector<std::string>& missing);

// `evaluation` signed off by `officer` (who holds `officer_roles`) acting as `role` at `now`.
// Refused, in this order of checking:
// - FAILED_PRECONDITION when the evaluation is not SUBMITTED;
// - PERMISSION_DENIED naming "role" when the officer does not hold `role`;
// - FAILED_PRECONDITION naming "role" and the pending roles when `role` is not pending
//   (not required, or already signed);
// - PERMISSION_DENIED when `officer` submitted the evaluation;
// - FAILED_PRECONDITION listing MissingItems when the document is incomplete;
// - INVALID_ARGUMENT naming "executive_decision.date" / "executive_decision.minute_reference"
//   when signing as EXECUTIVE where an Executive decision is required (or a decision is
//   given) and it lacks a YYYY-MM-DD date or a minute reference.
// On success: a SignOff is appended; the memorandum approval and the business case signer
// are recorded when `role` is theirs; the Executive decision is kept when signing as
// EXECUTIVE; pending_sign_offs and missing_items are refreshed; update_time is `now`; and the
// state becomes APPROVED when no sign-off remains pending.
absl::StatusOr<v1::Evaluation> ApplySignOff(const v1::Evaluation& evaluation,
                                            const v1::Requirements& requirements,
                                            const v1::Protocol& protocol, v1::Role role,
                                            absl::string_view officer,
                                            const std::set<v1::Role>& officer_roles,
                                            const v1::ExecutiveDecision& decision,
                                            const google::protobuf::Timestamp& now);

// `evaluation` rejected by `officer` with `reason`. FAILED_PRECONDITION unless SUBMITTED;
// INVALID_ARGUMENT naming "reason" when it is blank; PERMISSION_DENIED unless the officer
// holds one of RequiredSignOffRoles. On success the state is REJECTED and rejection_reason
// is `reason`.
absl::StatusOr<v1::Evaluation> ApplyRejection(const v1::Evaluation& evaluation,
                                              absl::string_view reason, absl::string_view officer,
                                              const std::set<v1::Role>& officer_roles,
                                              const v1::Requirements& requirements);

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_DOMAIN_EVALUATION_RULES_H_
