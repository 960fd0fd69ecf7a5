// The register keeper's compliance view (Bolsover section 7; DOMAIN.md section 8): the
// anomalies and omissions of a partnership, found from what the feeds told the review
// service, without anyone opening a record. Pure.
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_COMPLIANCE_RULES_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_COMPLIANCE_RULES_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "accord/review/v1/review.pb.h"

namespace accord::review {

// Whether the keeper still watches the partnership: not screened out, rejected or closed.
bool Watched(const v1::TrackedPartnership& record);

// Anomalies that do not depend on the date: not screened, not assessed, document missing,
// sign-off missing, Major risks not escalated, memorandum missing, exit strategy missing.
// `protocol` is the one that assessed the partnership, or null when not known (then any
// evaluation counts as the document, and a key partnership needs a memorandum).
std::vector<v1::Anomaly> StandingAnomalies(const v1::TrackedPartnership& record,
                                           const accord::assessment::v1::Protocol* protocol);

// One REVIEW_OVERDUE anomaly per schedule item due before `as_of`.
std::vector<v1::Anomaly> OverdueAnomalies(const v1::TrackedPartnership& record,
                                          absl::CivilDay as_of);

// The REVIEW_OVERDUE anomaly of one item.
v1::Anomaly OverdueAnomaly(const v1::DueItem& item);

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_COMPLIANCE_RULES_H_
