#include "gateway/auth/gateway_authorizer.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/api/errors.h"
#include "common/server/caller.h"
#include "common/telemetry/log.h"
#include "gateway/auth/api_key_secret.h"
#include "gateway/auth/resource_name.h"
#include "google/protobuf/descriptor.h"

namespace accord::gateway {
namespace {

std::string HeaderValue(const RequestHeaders& headers, absl::string_view name) {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

CallerFacts FactsOf(const v1::ApiKey& key, const v1::Officer* officer) {
  CallerFacts facts;
  facts.scopes.insert(key.scopes().begin(), key.scopes().end());
  if (officer != nullptr) {
    facts.names_officer = true;
    facts.officer_service = officer->service();
    facts.officer_roles.insert(officer->roles().begin(), officer->roles().end());
  }
  return facts;
}

// The lead_service a create request gives its new partnership ("partnership.lead_service").
std::string NewLeadService(const google::protobuf::Message& request) {
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = type->field(i);
    if (field->is_repeated() ||
        field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      continue;
    }
    const google::protobuf::Message& inner = request.GetReflection()->GetMessage(request, field);
    const google::protobuf::FieldDescriptor* lead =
        inner.GetDescriptor()->FindFieldByName("lead_service");
    if (lead != nullptr && lead->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      return inner.GetReflection()->GetString(inner, lead);
    }
  }
  return "";
}

bool IsDenial(absl::StatusCode code) {
  return code == absl::StatusCode::kUnauthenticated || code == absl::StatusCode::kPermissionDenied;
}

}  // namespace

Admission GatewayAuthorizer::Admit(absl::string_view method, const RequestHeaders& headers) const {
  Admission admission;
  const MethodRule* rule = RuleFor(method);
  if (rule == nullptr) {
    admission.status = api::Error(absl::StatusCode::kPermissionDenied, "METHOD_NOT_ALLOWED",
                                  absl::StrCat(method, " is not open to callers of the gateway"));
    return admission;
  }
  admission.write = rule->write;
  if (rule->scope.empty()) return admission;  // the public register: anyone, as nobody

  std::string token = BearerToken(HeaderValue(headers, "authorization"));
  if (token.empty()) {
    admission.status = api::Error(absl::StatusCode::kUnauthenticated, "NO_API_KEY",
                                  "send the client system's API key as "
                                  "'Authorization: Bearer <key>'");
    return admission;
  }
  absl::StatusOr<std::shared_ptr<const v1::ApiKey>> key = keys_->Verify(token);
  if (!key.ok()) {
    admission.status = key.status();
    return admission;
  }
  const v1::ApiKey& api_key = **key;
  admission.key_id = api_key.name();
  admission.client = api_key.client();
  // Which client system calls, for services that keep things per client (webhooks).
  admission.metadata.emplace_back("x-accord-client", api_key.client());

  if (absl::Duration wait = limiter_->Take(api_key.name(), absl::Now());
      wait > absl::ZeroDuration()) {
    admission.status = api::WithRetryDelay(
        api::Error(absl::StatusCode::kResourceExhausted, "RATE_LIMITED",
                   absl::StrCat("client ", api_key.client(),
                                " is over its rate limit; retry after ",
                                absl::FormatDuration(wait))),
        wait);
    return admission;
  }

  std::shared_ptr<const v1::Officer> officer;
  std::string officer_id = HeaderValue(headers, server::kOfficerHeader);
  if (!officer_id.empty()) {
    admission.officer = officer_id;
    if (!api_key.acts_for_officers()) {
      admission.status = api::Error(absl::StatusCode::kPermissionDenied, "NOT_ACTING_FOR_OFFICERS",
                                    "this API key may not act for officers (x-accord-officer)");
      return admission;
    }
    officer = officers_->Find(officer_id);
    if (officer == nullptr || !officer->active()) {
      admission.status = api::Error(absl::StatusCode::kPermissionDenied, "UNKNOWN_OFFICER",
                                    "x-accord-officer: not an active officer in the directory");
      return admission;
    }
    admission.metadata.emplace_back(server::kOfficerHeader, officer_id);
    admission.metadata.emplace_back(server::kRolesHeader, absl::StrJoin(officer->roles(), ","));
  }
  CallerFacts facts = FactsOf(api_key, officer.get());
  admission.status = CheckMethod(*rule, facts);
  admission.check_request = admission.status.ok() && NeedsRecordCheck(*rule, facts);
  return admission;
}

absl::Status GatewayAuthorizer::AuthorizeRequest(absl::string_view method,
                                                 const Admission& admission,
                                                 const google::protobuf::Message& request) const {
  if (!admission.check_request) return absl::OkStatus();
  const MethodRule* rule = RuleFor(method);
  std::shared_ptr<const v1::Officer> officer = officers_->Find(admission.officer);
  if (rule == nullptr || officer == nullptr) return RecordDenied();
  CallerFacts facts;
  facts.names_officer = true;
  facts.officer_service = officer->service();
  if (rule->record == RecordRule::kOwnServiceNewPartnership) {
    return CheckRecord(facts, NewLeadService(request));
  }
  std::string partnership = PartnershipOf(ResourceOf(request));
  if (partnership.empty()) return RecordDenied();
  absl::StatusOr<std::string> lead = lead_service_of_(partnership);
  if (lead.status().code() == absl::StatusCode::kNotFound) return RecordDenied();
  if (!lead.ok()) return lead.status();
  return CheckRecord(facts, *lead);
}

void GatewayAuthorizer::Record(absl::string_view method, const Admission& admission,
                               const google::protobuf::Message* request,
                               absl::string_view request_id, const absl::Status& outcome,
                               absl::string_view transport) const {
  if (audit_ == nullptr || (!admission.write && !IsDenial(outcome.code()))) return;
  v1::AuditEntry entry;
  entry.set_client(admission.client);
  entry.set_key_id(admission.key_id);
  entry.set_officer(admission.officer);
  entry.set_method(std::string(method));
  if (request != nullptr) entry.set_resource(ResourceOf(*request));
  entry.set_request_id(std::string(request_id));
  entry.set_code(absl::StatusCodeToString(outcome.code()));
  if (!outcome.ok()) entry.set_reason(api::ReasonOf(outcome));
  entry.set_transport(std::string(transport));
  absl::StatusOr<v1::AuditEntry> stored = audit_->Append(std::move(entry));
  if (!stored.ok()) {
    telemetry::Log("error", "cannot write the audit trail",
                   {{"method", std::string(method)}, {"error", stored.status().ToString()}});
  }
}

}  // namespace accord::gateway
