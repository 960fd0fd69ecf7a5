#include "gateway/auth/access_policy.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/errors.h"

namespace accord::gateway {
namespace {

constexpr RecordRule kOwn = RecordRule::kOwnServicePartnership;
constexpr RecordRule kDecision = RecordRule::kOwnServiceDecision;

MethodRule Public(std::string method) { return {std::move(method), "", false, RecordRule::kNone, {}}; }
MethodRule Read(std::string method, std::string scope) {
  return {std::move(method), std::move(scope), false, RecordRule::kNone, {}};
}
MethodRule Write(std::string method, std::string scope, RecordRule record = RecordRule::kNone,
                 std::vector<std::string> roles = {}) {
  return {std::move(method), std::move(scope), true, record, std::move(roles)};
}

std::vector<MethodRule> BuildRules() {
  const std::string reg = "accord.registry.v1.RegistryService/";
  const std::string asm_ = "accord.assessment.v1.AssessmentService/";
  const std::string risk = "accord.risk.v1.RiskService/";
  const std::string rev = "accord.review.v1.ReviewService/";
  const std::string off = "accord.gateway.v1.OfficerService/";
  const std::string aud = "accord.gateway.v1.AuditService/";
  const std::string integ = "accord.integrations.v1.IntegrationsService/";
  std::vector<MethodRule> rules = {
      // The register.
      Write(reg + "CreatePartnership", "partnerships:write", RecordRule::kOwnServiceNewPartnership),
      Read(reg + "GetPartnership", "partnerships:read"),
      Read(reg + "ListPartnerships", "partnerships:read"),
      Write(reg + "UpdatePartnership", "partnerships:write", kOwn),
      Write(reg + "DeletePartnership", "partnerships:delete", kOwn),
      // State follows the assessment feed; only the register keeper corrects it by hand.
      Write(reg + "TransitionPartnership", "partnerships:write", RecordRule::kNone,
            {"REGISTER_KEEPER"}),
      Write(reg + "AddMeetingNote", "partnerships:write", kOwn),
      Write(reg + "AddAnnualSummary", "partnerships:write", kOwn),
      Public(reg + "GetPublicPartnership"),
      Public(reg + "ListPublicPartnerships"),
      // Finance pushes contributions and actual spend.
      Write(reg + "RecordFinancialYear", "finance:write", kOwn),
      // Bulk import of a whole register is the register keeper's.
      Write(reg + "ImportPartnerships", "partnerships:write", RecordRule::kNone,
            {"REGISTER_KEEPER"}),
      Read(reg + "ExportPartnerships", "partnerships:read"),
      Public(reg + "ExportPublicPartnerships"),
      Read(reg + "ListEvents", "partnerships:read"),
      Read(reg + "StreamEvents", "partnerships:read"),
      // Assessment. Sign-off, rejection and moderation are decisions: the approve scope here,
      // the deciding roles in the service.
      Read(asm_ + "GetProtocol", "assessments:read"),
      Read(asm_ + "ListProtocols", "assessments:read"),
      Write(asm_ + "CreateProtocolVersion", "assessments:write", RecordRule::kNone,
            {"HEAD_OF_GOVERNANCE", "REGISTER_KEEPER"}),
      Write(asm_ + "CreateScreening", "assessments:write", kOwn),
      Read(asm_ + "ListScreenings", "assessments:read"),
      Write(asm_ + "CreateAssessment", "assessments:write", kOwn),
      Read(asm_ + "GetAssessment", "assessments:read"),
      Read(asm_ + "ListAssessments", "assessments:read"),
      Write(asm_ + "ModerateAssessment", "partnerships:approve", kDecision),
      Read(asm_ + "GetRequirements", "assessments:read"),
      Write(asm_ + "CreateEvaluation", "assessments:write", kOwn),
      Read(asm_ + "GetEvaluation", "assessments:read"),
      Read(asm_ + "ListEvaluations", "assessments:read"),
      Write(asm_ + "UpdateEvaluation", "assessments:write", kOwn),
      Write(asm_ + "SubmitEvaluation", "assessments:write", kOwn),
      // A decision by a service-scoped role (a Head of Service, say) stands only for its own
      // service's partnerships; council-wide decision roles decide for any.
      Write(asm_ + "SignOffEvaluation", "partnerships:approve", kDecision),
      Write(asm_ + "RejectEvaluation", "partnerships:approve", kDecision),
      Read(asm_ + "ListEvents", "assessments:read"),
      Read(asm_ + "StreamEvents", "assessments:read"),
      // Risk. The corporate risk register works the escalations, nothing else.
      Write(risk + "CreateRisk", "risks:write", kOwn),
      Read(risk + "GetRisk", "risks:read"),
      Read(risk + "ListRisks", "risks:read"),
      Write(risk + "UpdateRisk", "risks:write", kOwn),
      Write(risk + "CloseRisk", "risks:write", kOwn),
      Read(risk + "GetHeatMap", "risks:read"),
      Read(risk + "ListOverdueRisks", "risks:read"),
      Read(risk + "ListPendingEscalations", "escalations:read"),
      Write(risk + "AcknowledgeEscalation", "escalations:write"),
      Write(risk + "ReportEscalationStatus", "escalations:write"),
      Read(risk + "ListEvents", "risks:read"),
      Read(risk + "StreamEvents", "risks:read"),
      // Review.
      Read(rev + "GetSchedule", "reviews:read"),
      Read(rev + "ListDueItems", "reviews:read"),
      Write(rev + "CreateReview", "reviews:write", kOwn),
      Read(rev + "GetReview", "reviews:read"),
      Read(rev + "ListReviews", "reviews:read"),
      Write(rev + "CreatePerformanceReport", "reviews:write"),
      Read(rev + "GetPerformanceReport", "reviews:read"),
      Read(rev + "GetExitStrategy", "reviews:read"),
      Write(rev + "UpdateExitStrategy", "reviews:write", kOwn),
      Write(rev + "CreateExit", "partnerships:approve", kDecision),
      Read(rev + "GetExit", "reviews:read"),
      Read(rev + "GetCompliance", "reviews:read"),
      Read(rev + "ListAnomalies", "reviews:read"),
      Read(rev + "GetAnnualReport", "reviews:read"),
      Read(rev + "ListEvents", "reviews:read"),
      Read(rev + "StreamEvents", "reviews:read"),
      // The merged change feed and each client system's webhooks.
      Read(integ + "ListChanges", "changes:read"),
      Read(integ + "StreamChanges", "changes:read"),
      Write(integ + "CreateSubscription", "webhooks:write"),
      Read(integ + "GetSubscription", "webhooks:read"),
      Read(integ + "ListSubscriptions", "webhooks:read"),
      Write(integ + "DeleteSubscription", "webhooks:write"),
      Read(integ + "ListDeadLetters", "webhooks:read"),
      Write(integ + "ReplayDeadLetters", "webhooks:write"),
      // The gateway's own: the officer directory (HR) and the audit trail.
      Write(off + "CreateOfficer", "officers:write"),
      Read(off + "GetOfficer", "officers:read"),
      Read(off + "ListOfficers", "officers:read"),
      Write(off + "UpdateOfficer", "officers:write"),
      Write(off + "LeaveOfficer", "officers:write"),
      Read(aud + "ListAuditEntries", "audit:read"),
      Read(aud + "ExportAuditEntries", "audit:read"),
  };
  return rules;
}

}  // namespace

const std::vector<MethodRule>& AllMethodRules() {
  static const auto* rules = new std::vector<MethodRule>(BuildRules());
  return *rules;
}

const MethodRule* RuleFor(absl::string_view method) {
  static const auto* by_method = [] {
    auto* map = new std::map<std::string, const MethodRule*, std::less<>>();
    for (const MethodRule& rule : AllMethodRules()) (*map)[rule.method] = &rule;
    return map;
  }();
  auto it = by_method->find(method);
  return it == by_method->end() ? nullptr : it->second;
}

const std::set<std::string>& KnownScopes() {
  static const auto* scopes = new std::set<std::string>{
      "partnerships:read", "partnerships:write", "partnerships:approve", "partnerships:delete",
      "assessments:read",  "assessments:write",  "risks:read",           "risks:write",
      "escalations:read",  "escalations:write",  "reviews:read",         "reviews:write",
      "officers:read",     "officers:write",     "audit:read",           "finance:write",
      "changes:read",      "webhooks:read",      "webhooks:write"};
  return *scopes;
}

const std::set<std::string>& KnownRoles() {
  static const auto* roles = new std::set<std::string>{
      "LEAD_OFFICER",       "HEAD_OF_SERVICE", "SENIOR_MANAGEMENT_TEAM", "STRATEGIC_DIRECTOR",
      "HEAD_OF_GOVERNANCE", "CHIEF_EXECUTIVE", "REGISTER_KEEPER",        "EXECUTIVE"};
  return *roles;
}

const std::set<std::string>& CouncilWideRoles() {
  static const auto* roles =
      new std::set<std::string>{"REGISTER_KEEPER", "CHIEF_EXECUTIVE", "SENIOR_MANAGEMENT_TEAM"};
  return *roles;
}

const std::set<std::string>& CouncilWideDecisionRoles() {
  // Besides the council-wide roles: the Head of Governance approves every key partnership's
  // memorandum (Chorley), the Executive takes Cabinet decisions, and a Strategic Director
  // signs business cases across a directorate's services (Derby). Lead Officers and Heads of
  // Service decide only for their own service.
  static const auto* roles = new std::set<std::string>{
      "REGISTER_KEEPER", "CHIEF_EXECUTIVE",    "SENIOR_MANAGEMENT_TEAM",
      "HEAD_OF_GOVERNANCE", "EXECUTIVE", "STRATEGIC_DIRECTOR"};
  return *roles;
}

absl::Status CheckMethod(const MethodRule& rule, const CallerFacts& caller) {
  if (!rule.scope.empty() && caller.scopes.count(rule.scope) == 0) {
    return api::Error(absl::StatusCode::kPermissionDenied, "MISSING_SCOPE",
                      absl::StrCat("this API key lacks the scope ", rule.scope, " that ",
                                   rule.method, " needs"));
  }
  if (!rule.officer_roles.empty()) {
    bool holds = caller.names_officer &&
                 std::any_of(rule.officer_roles.begin(), rule.officer_roles.end(),
                             [&](const std::string& role) {
                               return caller.officer_roles.count(role) > 0;
                             });
    if (!holds) {
      return api::Error(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                        absl::StrCat(rule.method, " needs an officer with the role ",
                                     absl::StrJoin(rule.officer_roles, " or ")));
    }
  }
  return absl::OkStatus();
}

bool NeedsRecordCheck(const MethodRule& rule, const CallerFacts& caller) {
  if (rule.record == RecordRule::kNone || !caller.names_officer) return false;
  const std::set<std::string>& wide = rule.record == RecordRule::kOwnServiceDecision
                                          ? CouncilWideDecisionRoles()
                                          : CouncilWideRoles();
  for (const std::string& role : wide) {
    if (caller.officer_roles.count(role)) return false;
  }
  return true;
}

absl::Status RecordDenied() {
  return api::Error(absl::StatusCode::kPermissionDenied, "NOT_OWN_SERVICE",
                    "the officer may act only on partnerships led by their own service");
}

absl::Status CheckRecord(const CallerFacts& caller, absl::string_view record_service) {
  if (record_service.empty() || caller.officer_service.empty() ||
      !absl::EqualsIgnoreCase(record_service, caller.officer_service)) {
    return RecordDenied();
  }
  return absl::OkStatus();
}

}  // namespace accord::gateway
