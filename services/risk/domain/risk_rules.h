// A risk's rules (DOMAIN.md section 6, Chesterfield's table) as pure functions: ratings on
// the protocol's matrix, what a valid risk is, when it goes to the corporate risk register,
// and the heat map. No gRPC, no RocksDB.
#ifndef ACCORD_SERVICES_RISK_DOMAIN_RISK_RULES_H_
#define ACCORD_SERVICES_RISK_DOMAIN_RISK_RULES_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "accord/risk/v1/risk.pb.h"

namespace accord::risk {

namespace v1 = accord::risk::v1;
using accord::assessment::v1::RiskMatrix;

// `rating` with score, band and labels filled in. INVALID_ARGUMENT naming `field`.impact or
// `field`.likelihood when a level is outside the matrix.
absl::StatusOr<v1::Rating> Rate(const v1::Rating& rating, const RiskMatrix& matrix,
                                absl::string_view field);

// Checks every client-writable field and rates inherent, residual and target on `matrix`;
// returns the risk with the ratings filled in. Every violation is named under `prefix`.
absl::StatusOr<v1::Risk> ValidateAndRate(const v1::Risk& risk, const RiskMatrix& matrix,
                                         absl::string_view prefix);

// The fields a client may set on create and update.
const std::set<std::string>& WritableFields();

// Whether the content the corporate register sees differs between two versions of a risk
// (anything but the escalation bookkeeping and times).
bool OfferedContentDiffers(const v1::Risk& before, const v1::Risk& after);

// The escalation and recorded_in a risk should have now, given whether its partnership is
// Major and, for a change, the risk before it (nullptr when new):
//  - an open risk of a Major partnership is recorded in the corporate register too: it
//    becomes PENDING when not yet offered, withdrawn, or changed since it was taken;
//  - otherwise an escalation not yet taken is WITHDRAWN, and one the corporate register
//    holds becomes WITHDRAWAL_PENDING, queued until it acknowledges (history is kept).
void UpdateEscalation(const v1::Risk* before, bool major, v1::Risk& risk);

// Calendar dates as YYYY-MM-DD strings compare in date order. True when `date` is valid.
bool IsDate(absl::string_view date);

// True when the open risk's review date, or an unfinished action's due date, is before
// `as_of`.
bool IsOverdue(const v1::Risk& risk, absl::string_view as_of);

// Counts of open risks per cell, inherent and residual, on `protocol`'s matrix, with its
// labels. Risks rated under another protocol or version are counted as unplaced.
v1::HeatMap BuildHeatMap(const std::vector<v1::Risk>& risks,
                         const accord::assessment::v1::Protocol& protocol);

}  // namespace accord::risk

#endif  // ACCORD_SERVICES_RISK_DOMAIN_RISK_RULES_H_
