// What a complete review, exit strategy and exit must hold (DOMAIN.md section 7). Pure.
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_RULES_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_RULES_H_

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "accord/review/v1/review.pb.h"

namespace accord::review {

// Every client-writable field of a review; INVALID_ARGUMENT listing each violation under
// `prefix` (for example "review."). `today` bounds completed_date.
absl::Status ValidateReview(const v1::Review& review, absl::string_view prefix,
                            absl::CivilDay today);

// Derby: when the protocol asks for a business case at review, the review names one and the
// caller holds the signer's role. INVALID_ARGUMENT naming "review.business_case.reference",
// or PERMISSION_DENIED naming the role.
absl::Status CheckReviewBusinessCase(const v1::Review& review,
                                     const accord::assessment::v1::Protocol& protocol,
                                     const std::set<std::string>& caller_roles);

// The seven questions of Bolsover 5.10 answered, and a review date.
absl::Status ValidateExitStrategy(const v1::ExitStrategy& strategy, absl::string_view prefix);

// Date, residual liabilities and reason given.
absl::Status ValidateExit(const v1::Exit& exit, absl::string_view prefix);

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_RULES_H_
