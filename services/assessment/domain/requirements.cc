#include "services/assessment/domain/requirements.h"

#include <algorithm>

namespace accord::assessment {
namespace {

void AddRole(int role, v1::Requirements& out) {
  if (role == v1::ROLE_UNSPECIFIED) return;
  const auto& roles = out.sign_off_roles();
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    out.add_sign_off_roles(static_cast<v1::Role>(role));
  }
}

bool SectionRequired(const v1::EvaluationSection& section, v1::EvaluationKind document) {
  switch (document) {
    case v1::FULL_EVALUATION:
      return true;
    case v1::BASIC_EVALUATION:
      return section.required_for_basic();
    case v1::REGISTRATION:
      return section.required_for_registration();
    default:
      return false;
  }
}

}  // namespace

v1::Requirements RequirementsFor(v1::Tier tier, bool key_partnership, bool accountable_body,
                                 const v1::Protocol& protocol) {
  v1::Requirements out;
  out.set_protocol(protocol.name());
  out.set_protocol_version(protocol.version());
  out.set_tier(tier);
  out.set_key_partnership(key_partnership);
  out.set_accountable_body(accountable_body);

  for (const v1::TierRequirement& requirement : protocol.tier_requirements()) {
    if (requirement.tier() != tier) continue;
    out.set_document(requirement.document());
    for (int role : requirement.sign_off_roles()) AddRole(role, out);
    out.set_executive_decision_required(requirement.executive_decision_if_accountable_body() &&
                                        accountable_body);
    out.set_monitoring(requirement.monitoring());
    *out.mutable_risk_registers() = requirement.risk_registers();
    *out.mutable_reviews() = requirement.reviews();
    *out.mutable_extra_documents() = requirement.extra_documents();
    break;
  }

  if (key_partnership) {
    const v1::KeyPartnershipRules& key = protocol.key_partnership();
    for (int role : key.extra_sign_off_roles()) AddRole(role, out);
    if (key.memorandum_required()) {
      out.set_memorandum_required(true);
      out.set_memorandum_approver(key.memorandum_approver());
    }
    for (const v1::ReviewCadence& review : key.reviews()) *out.add_reviews() = review;
  }

  if (protocol.business_case().required_at_creation()) {
    out.set_business_case_required(true);
    out.set_business_case_signer(protocol.business_case().signer());
  }

  for (const v1::EvaluationSection& section : protocol.evaluation_sections()) {
    if (SectionRequired(section, out.document())) out.add_required_sections(section.number());
  }
  return out;
}

}  // namespace accord::assessment
