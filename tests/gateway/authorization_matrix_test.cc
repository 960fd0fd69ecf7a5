// The authorisation matrix: every method in the gateway's table x every caller (a system
// key acting as itself, and an officer holding each role) x a partnership of the officer's
// own service and of another service. The expectations are written here from the issue's
// rules, not read from the table, so a change to the table that breaks a rule fails.
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.pb.h"
#include "accord/gateway/v1/audit_service.pb.h"
#include "accord/gateway/v1/officer_service.pb.h"
#include "accord/integrations/v1/integrations_service.pb.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/review/v1/review_service.pb.h"
#include "accord/risk/v1/risk_service.pb.h"
#include "common/api/errors.h"
#include "gateway/auth/access_policy.h"
#include "gateway/auth/gateway_authorizer.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::gateway {
namespace {

// Methods where an officer may act only on their own service's partnerships.
const std::set<std::string>& OwnServiceMethods() {
  static const auto* methods = new std::set<std::string>{
      "accord.registry.v1.RegistryService/CreatePartnership",
      "accord.registry.v1.RegistryService/UpdatePartnership",
      "accord.registry.v1.RegistryService/DeletePartnership",
      "accord.registry.v1.RegistryService/AddMeetingNote",
      "accord.registry.v1.RegistryService/AddAnnualSummary",
      "accord.registry.v1.RegistryService/RecordFinancialYear",
      "accord.assessment.v1.AssessmentService/CreateScreening",
      "accord.assessment.v1.AssessmentService/CreateAssessment",
      "accord.assessment.v1.AssessmentService/CreateEvaluation",
      "accord.assessment.v1.AssessmentService/UpdateEvaluation",
      "accord.assessment.v1.AssessmentService/SubmitEvaluation",
      "accord.risk.v1.RiskService/CreateRisk",
      "accord.risk.v1.RiskService/UpdateRisk",
      "accord.risk.v1.RiskService/CloseRisk",
      "accord.review.v1.ReviewService/CreateReview",
      "accord.review.v1.ReviewService/UpdateExitStrategy"};
  return *methods;
}

// Methods only some officers may call at all.
std::set<std::string> RolesOnly(const std::string& method) {
  if (method == "accord.registry.v1.RegistryService/TransitionPartnership") {
    return {"REGISTER_KEEPER"};
  }
  if (method == "accord.registry.v1.RegistryService/ImportPartnerships") return {"REGISTER_KEEPER"};
  if (method == "accord.assessment.v1.AssessmentService/CreateProtocolVersion") {
    return {"HEAD_OF_GOVERNANCE", "REGISTER_KEEPER"};
  }
  return {};
}

// Roles that act for the whole council; every other role only for its own service.
const std::set<std::string> kCouncilWide = {"REGISTER_KEEPER", "CHIEF_EXECUTIVE",
                                            "SENIOR_MANAGEMENT_TEAM"};

// Decisions (sign-off, rejection, moderation, exit): a Lead Officer or Head of Service decides
// only for their own service; every other role for any (DOMAIN.md section 9).
const std::set<std::string>& DecisionMethods() {
  static const auto* methods = new std::set<std::string>{
      "accord.assessment.v1.AssessmentService/ModerateAssessment",
      "accord.assessment.v1.AssessmentService/SignOffEvaluation",
      "accord.assessment.v1.AssessmentService/RejectEvaluation",
      "accord.review.v1.ReviewService/CreateExit"};
  return *methods;
}
const std::set<std::string> kServiceScopedDeciders = {"LEAD_OFFICER", "HEAD_OF_SERVICE"};

// The scope each method needs, by the wording.
std::string ExpectedScope(const MethodRule& rule) {
  const std::string& m = rule.method;
  if (m.find("Public") != std::string::npos) return "";
  if (m.find("DeletePartnership") != std::string::npos) return "partnerships:delete";
  for (const char* approve : {"SignOffEvaluation", "RejectEvaluation", "ModerateAssessment",
                              "CreateExit"}) {
    if (m.find(approve) != std::string::npos) return "partnerships:approve";
  }
  if (m.find("RecordFinancialYear") != std::string::npos) return "finance:write";
  if (m.find("IntegrationsService") != std::string::npos) {
    if (m.find("Changes") != std::string::npos) return "changes:read";
    return rule.write ? "webhooks:write" : "webhooks:read";
  }
  if (m.find("Escalation") != std::string::npos) {
    return rule.write ? "escalations:write" : "escalations:read";
  }
  std::string area = m.find("RegistryService") != std::string::npos     ? "partnerships"
                     : m.find("AssessmentService") != std::string::npos ? "assessments"
                     : m.find("RiskService") != std::string::npos       ? "risks"
                     : m.find("ReviewService") != std::string::npos     ? "reviews"
                     : m.find("OfficerService") != std::string::npos    ? "officers"
                                                                        : "audit";
  return absl::StrCat(area, rule.write ? ":write" : ":read");
}

std::unique_ptr<google::protobuf::Message> RequestFor(const std::string& method,
                                                      const std::string& partnership,
                                                      const std::string& lead_service) {
  std::string dotted = method;
  dotted[dotted.find('/')] = '.';
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  EXPECT_NE(descriptor, nullptr) << method;
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(descriptor->input_type())
          ->New());
  const google::protobuf::Descriptor* type = message->GetDescriptor();
  const google::protobuf::Reflection* reflection = message->GetReflection();
  for (const char* field : {"name", "parent"}) {
    if (const auto* f = type->FindFieldByName(field);
        f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      reflection->SetString(message.get(), f, partnership + "/item");
      return message;
    }
  }
  for (int i = 0; i < type->field_count(); ++i) {
    const auto* f = type->field(i);
    if (f->is_repeated() || f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) continue;
    google::protobuf::Message* inner = reflection->MutableMessage(message.get(), f);
    if (const auto* name = inner->GetDescriptor()->FindFieldByName("name")) {
      inner->GetReflection()->SetString(inner, name, partnership);
    }
    if (const auto* lead = inner->GetDescriptor()->FindFieldByName("lead_service")) {
      inner->GetReflection()->SetString(inner, lead, lead_service);
    }
  }
  return message;
}

class AuthorizationMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    // Link every proxied service's descriptors into the generated pool.
    ASSERT_NE(registry::v1::GetPartnershipRequest::descriptor(), nullptr);
    ASSERT_NE(assessment::v1::GetProtocolRequest::descriptor(), nullptr);
    ASSERT_NE(risk::v1::GetRiskRequest::descriptor(), nullptr);
    ASSERT_NE(review::v1::GetReviewRequest::descriptor(), nullptr);
    ASSERT_NE(v1::CreateOfficerRequest::descriptor(), nullptr);
    ASSERT_NE(v1::ListAuditEntriesRequest::descriptor(), nullptr);
    ASSERT_NE(integrations::v1::ListChangesRequest::descriptor(), nullptr);
    std::vector<std::string> families = KeyRegistry::ColumnFamilies();
    for (auto& f : OfficerDirectory::ColumnFamilies()) families.push_back(f);
    for (auto& f : AuditLog::ColumnFamilies()) families.push_back(f);
    store_ = *storage::Store::Open(
        {.path = dir_.path(), .service = "gateway", .column_families = families});
    keys_ = *KeyRegistry::Open(store_.get());
    officers_ = *OfficerDirectory::Open(store_.get());
    audit_ = *AuditLog::Open(store_.get());
    std::vector<std::string> all(KnownScopes().begin(), KnownScopes().end());
    all_scopes_key_ = keys_->Create("intranet", all, /*acts_for_officers=*/true)->secret;
    for (const std::string& role : KnownRoles()) {
      v1::Officer officer;
      officer.set_display_name(role);
      officer.set_service("Leisure");
      officer.add_roles(role);
      ASSERT_TRUE(officers_->Create(OfficerId(role), officer).ok());
    }
    authorizer_ = std::make_unique<GatewayAuthorizer>(
        keys_.get(), officers_.get(), &limiter_, audit_.get(),
        [](const std::string& partnership) -> absl::StatusOr<std::string> {
          if (partnership == "partnerships/own") return "Leisure";
          if (partnership == "partnerships/foreign") return "Planning";
          return absl::NotFoundError(partnership);
        });
  }

  static std::string OfficerId(const std::string& role) {
    std::string id = role;
    for (char& c : id) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
    return id;
  }

  // The whole decision the gateway makes before forwarding.
  absl::Status Decide(const std::string& method, const std::string& key, const std::string& role,
                      const std::string& partnership, const std::string& lead_service) {
    RequestHeaders headers;
    if (!key.empty()) headers.emplace("authorization", "Bearer " + key);
    if (!role.empty()) headers.emplace("x-accord-officer", OfficerId(role));
    Admission admission = authorizer_->Admit(method, headers);
    if (!admission.status.ok()) return admission.status;
    auto request = RequestFor(method, partnership, lead_service);
    return authorizer_->AuthorizeRequest(method, admission, *request);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<KeyRegistry> keys_;
  std::unique_ptr<OfficerDirectory> officers_;
  std::unique_ptr<AuditLog> audit_;
  RateLimiter limiter_{0, 1};
  std::unique_ptr<GatewayAuthorizer> authorizer_;
  std::string all_scopes_key_;
};

TEST_F(AuthorizationMatrix, EveryMethodRoleAndRecordIsDecidedByTheRules) {
  int cases = 0;
  std::vector<std::string> callers = {""};  // a system key acting as itself
  for (const std::string& role : KnownRoles()) callers.push_back(role);
  for (const MethodRule& rule : AllMethodRules()) {
    EXPECT_EQ(rule.scope, ExpectedScope(rule)) << rule.method;
    bool own_rule = OwnServiceMethods().count(rule.method) > 0;
    bool decision = DecisionMethods().count(rule.method) > 0;
    EXPECT_EQ(rule.record != RecordRule::kNone, own_rule || decision) << rule.method;
    std::set<std::string> roles_only = RolesOnly(rule.method);
    for (const std::string& role : callers) {
      for (bool own : {true, false}) {
        ++cases;
        bool allowed = true;
        if (!roles_only.empty()) allowed = roles_only.count(role) > 0;
        if (own_rule && !role.empty() && !own && !kCouncilWide.count(role)) allowed = false;
        if (decision && !own && kServiceScopedDeciders.count(role)) allowed = false;
        absl::Status decided =
            Decide(rule.method, all_scopes_key_, role,
                   own ? "partnerships/own" : "partnerships/foreign", own ? "Leisure" : "Planning");
        if (allowed) {
          EXPECT_TRUE(decided.ok()) << rule.method << " as " << (role.empty() ? "system" : role)
                                    << (own ? " on own" : " on foreign") << ": " << decided;
        } else {
          EXPECT_EQ(decided.code(), absl::StatusCode::kPermissionDenied)
              << rule.method << " as " << role << (own ? " on own" : " on foreign");
        }
      }
    }
  }
  std::printf("authorisation matrix: %d cases (%zu methods x %zu callers x own/foreign)\n", cases,
              AllMethodRules().size(), callers.size());
  EXPECT_GT(cases, 900);
}

TEST_F(AuthorizationMatrix, EveryMethodNeedsItsScopeAndAKeyUnlessPublic) {
  int cases = 0;
  for (const MethodRule& rule : AllMethodRules()) {
    ++cases;
    absl::Status anonymous = Decide(rule.method, "", "", "partnerships/own", "Leisure");
    if (rule.scope.empty()) {
      EXPECT_TRUE(anonymous.ok()) << rule.method;
      continue;
    }
    EXPECT_EQ(anonymous.code(), absl::StatusCode::kUnauthenticated) << rule.method;
    std::vector<std::string> others;
    for (const std::string& scope : KnownScopes()) {
      if (scope != rule.scope) others.push_back(scope);
    }
    std::string key = keys_->Create("narrow", others, true)->secret;
    ++cases;
    EXPECT_EQ(Decide(rule.method, key, "", "partnerships/own", "Leisure").code(),
              absl::StatusCode::kPermissionDenied)
        << rule.method << " without " << rule.scope;
  }
  std::printf("scope sweep: %d cases\n", cases);
}

TEST_F(AuthorizationMatrix, AHeadOfServiceDecidesOnlyForTheirOwnService) {
  // Leisure's Head of Service (every officer here is of Leisure) decides a Leisure
  // partnership's evaluation, not a Planning one's; the Chief Executive decides both.
  for (const char* method : {"accord.assessment.v1.AssessmentService/SignOffEvaluation",
                             "accord.assessment.v1.AssessmentService/RejectEvaluation",
                             "accord.review.v1.ReviewService/CreateExit"}) {
    absl::Status own =
        Decide(method, all_scopes_key_, "HEAD_OF_SERVICE", "partnerships/own", "Leisure");
    absl::Status foreign =
        Decide(method, all_scopes_key_, "HEAD_OF_SERVICE", "partnerships/foreign", "Planning");
    EXPECT_TRUE(own.ok()) << method << ": " << own;
    EXPECT_EQ(foreign.code(), absl::StatusCode::kPermissionDenied) << method;
    EXPECT_EQ(api::ReasonOf(foreign), "NOT_OWN_SERVICE") << method;
    EXPECT_TRUE(
        Decide(method, all_scopes_key_, "CHIEF_EXECUTIVE", "partnerships/foreign", "Planning")
            .ok())
        << method;
  }
}

TEST_F(AuthorizationMatrix, ARefusalSaysTheSameWhetherOrNotTheRecordExists) {
  const std::string method = "accord.registry.v1.RegistryService/UpdatePartnership";
  absl::Status foreign =
      Decide(method, all_scopes_key_, "LEAD_OFFICER", "partnerships/foreign", "");
  absl::Status missing =
      Decide(method, all_scopes_key_, "LEAD_OFFICER", "partnerships/missing", "");
  EXPECT_EQ(foreign.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(foreign, missing);
}

TEST_F(AuthorizationMatrix, OfficersAreTakenFromTheDirectoryOnly) {
  const std::string method = "accord.registry.v1.RegistryService/GetPartnership";
  RequestHeaders headers = {{"authorization", "Bearer " + all_scopes_key_},
                            {"x-accord-officer", "chief-executive"},
                            {"x-accord-roles", "REGISTER_KEEPER"}};
  Admission admission = authorizer_->Admit(method, headers);
  ASSERT_TRUE(admission.status.ok());
  EXPECT_EQ(admission.metadata,
            (std::vector<std::pair<std::string, std::string>>{
                {"x-accord-client", "intranet"},
                {"x-accord-officer", "chief-executive"},
                {"x-accord-roles", "CHIEF_EXECUTIVE"}}));

  headers.find("x-accord-officer")->second = "nobody";
  EXPECT_EQ(authorizer_->Admit(method, headers).status.code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(officers_->Leave("officers/chief-executive").ok());
  headers.find("x-accord-officer")->second = "chief-executive";
  EXPECT_EQ(authorizer_->Admit(method, headers).status.code(),
            absl::StatusCode::kPermissionDenied);

  std::string system_only = keys_->Create("finance", {"partnerships:read"}, false)->secret;
  headers.find("authorization")->second = "Bearer " + system_only;
  headers.find("x-accord-officer")->second = "lead-officer";
  EXPECT_EQ(authorizer_->Admit(method, headers).status.code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthorizationMatrix, WritesAndDenialsAreAudited) {
  const std::string method = "accord.registry.v1.RegistryService/UpdatePartnership";
  RequestHeaders headers = {{"authorization", "Bearer " + all_scopes_key_},
                            {"x-accord-officer", "lead-officer"}};
  Admission admission = authorizer_->Admit(method, headers);
  auto request = RequestFor(method, "partnerships/own", "");
  authorizer_->Record(method, admission, request.get(), "req-1", absl::OkStatus(), "REST");
  const std::string read = "accord.registry.v1.RegistryService/GetPartnership";
  authorizer_->Record(read, authorizer_->Admit(read, headers), request.get(), "req-2",
                      absl::OkStatus(), "REST");  // a read: not kept
  authorizer_->Record(method, Admission{}, nullptr, "req-3",
                      absl::UnauthenticatedError("no key"), "GRPC");
  auto page = *audit_->List({}, 0, "");
  ASSERT_EQ(page.entries.size(), 2u);
  EXPECT_EQ(page.entries[0].officer(), "lead-officer");
  EXPECT_EQ(page.entries[0].client(), "intranet");
  EXPECT_EQ(page.entries[0].resource(), "partnerships/own");
  EXPECT_EQ(page.entries[0].request_id(), "req-1");
  EXPECT_EQ(page.entries[1].code(), "UNAUTHENTICATED");
}

}  // namespace
}  // namespace accord::gateway
