// What a partnership must do given its tier (DOMAIN.md section 4, Bolsover section 4), with
// Chorley's key-partnership and Derby's business-case additions, all read from the protocol.
// Pure function; safe to call from any thread.
#ifndef ACCORD_SERVICES_ASSESSMENT_DOMAIN_REQUIREMENTS_H_
#define ACCORD_SERVICES_ASSESSMENT_DOMAIN_REQUIREMENTS_H_

#include "accord/assessment/v1/assessment.pb.h"
#include "accord/assessment/v1/protocol.pb.h"

namespace accord::assessment {

// The requirements of a partnership of `tier` under `protocol`:
// - from the tier's requirement: document, sign_off_roles, monitoring, risk_registers,
//   reviews, extra_documents, and executive_decision_required when the tier asks for an
//   Executive decision for an accountable body and `accountable_body` is true;
// - for a key partnership, the protocol's KeyPartnershipRules: extra sign-off roles (no
//   role twice), the memorandum and its approver, extra reviews;
// - the business case and its signer when the protocol requires one at creation;
// - required_sections: every section for a full evaluation, those marked for the basic
//   evaluation or for registration otherwise.
// tier, key_partnership, accountable_body, protocol and protocol_version are filled; name is
// left to the caller. A tier the protocol has no requirement for (TIER_UNSPECIFIED) gives
// no document and no sign-off roles.
v1::Requirements RequirementsFor(v1::Tier tier, bool key_partnership, bool accountable_body,
                                 const v1::Protocol& protocol);

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_DOMAIN_REQUIREMENTS_H_
