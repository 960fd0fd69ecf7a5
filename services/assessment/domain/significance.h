// The significance assessment (DOMAIN.md section 3, Bolsover Appendix A): answers scored
// against a protocol, the total compared with the protocol's thresholds in exact integer
// arithmetic, and the tier that decides how much governance a partnership needs.
// Pure functions; safe to call from any thread.
#ifndef ACCORD_SERVICES_ASSESSMENT_DOMAIN_SIGNIFICANCE_H_
#define ACCORD_SERVICES_ASSESSMENT_DOMAIN_SIGNIFICANCE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace accord::assessment {

struct Score {
  int total = 0;
  // Answered (not "not applicable") questions x 5.
  int maximum = 0;
  // total / maximum as a whole percentage, rounded half up. For display only: the tier is
  // decided on total and maximum, never on this.
  int percent = 0;
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  // A question marked top_score_means_accountable_body scored 5.
  bool accountable_body = false;
  // One per answer, in the answers' order; 0 for a not-applicable answer.
  std::vector<int> derived_scores;
};

// Scores `answers` under `protocol` (assumed valid: see ValidateProtocol). Every answer must
// name a question of the protocol, at most once, and set exactly one value of the kind the
// question takes: a score in its allowed set (1-5 when none is listed), an amount in pence
// (0 or more) or a count (0 or more), the last two banded; or not_applicable. At least one
// question must be answered. INVALID_ARGUMENT listing every problem otherwise, each naming
// its field as "answers[i].score", "answers[i].question", ... or "answers".
absl::StatusOr<Score> ScoreAnswers(const google::protobuf::RepeatedPtrField<v1::Answer>& answers,
                                   const v1::Protocol& protocol);

// The tier of `total` out of `maximum`, compared exactly: total x 100 >= major_percent x
// maximum is MAJOR, >= moderate_percent x maximum is MODERATE, anything less LIMITED.
// TIER_UNSPECIFIED when maximum is not positive.
v1::Tier TierFor(int total, int maximum, const v1::TierThresholds& thresholds);

// total / maximum as a whole percentage, halves rounded up (27/35 is 77, 1/8 is 13).
// 0 when maximum is not positive.
int RoundedPercent(int total, int maximum);

// `input` with every output field filled from its answers under `protocol`: each answer's
// derived_score, total, maximum, percent, computed_tier, accountable_body, final_tier (the
// moderated tier when the assessment carries one, else the computed tier), protocol and
// protocol_version. Other fields are kept. Errors as ScoreAnswers. Given the protocol version
// an assessment recorded, re-deriving it always gives the same result.
absl::StatusOr<v1::Assessment> Assess(const v1::Assessment& input, const v1::Protocol& protocol);

// OK when the Chief Executive's moderation names a real tier and gives a reason;
// INVALID_ARGUMENT naming "tier" and/or "reason" otherwise.
absl::Status CheckModeration(v1::Tier tier, absl::string_view reason);

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_DOMAIN_SIGNIFICANCE_H_
