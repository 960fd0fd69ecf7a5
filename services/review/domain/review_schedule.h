// Review cadences (DOMAIN.md section 7): which reviews a partnership owes, from its
// protocol, tier and key flag, and when each falls due. Pure.
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_SCHEDULE_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_SCHEDULE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "accord/review/v1/review.pb.h"

namespace accord::review {

namespace v1 = accord::review::v1;
using accord::assessment::v1::Protocol;
using accord::assessment::v1::ReviewCadence;
using accord::assessment::v1::ReviewType;
using accord::assessment::v1::Tier;

// The tier's cadences, then the key partnership's when `key`; one per review type (the
// tier's wins when both name a type).
std::vector<ReviewCadence> RequiredCadences(const Protocol& protocol, Tier tier, bool key);

// The first due date of a cadence that starts at `approval`: approval plus a whole number
// (at least one) of periods, the first one after `effective` (the day the obligation began;
// the approval day itself for a partnership scheduled at approval).
absl::CivilDay FirstDueDate(absl::CivilDay approval, int every_months, absl::CivilDay effective);

// The schedule after a change of tier, key flag or protocol: items still required keep their
// due dates (their period and form are refreshed), items no longer required are dropped, new
// ones are added with FirstDueDate(approval, every, effective). Sorted by type.
std::vector<v1::DueItem> Reschedule(const std::vector<v1::DueItem>& current,
                                    const std::vector<ReviewCadence>& cadences,
                                    absl::CivilDay approval, absl::CivilDay effective);

// Moves the item of `type` on to `done` + its period, recording `done` as last done.
// FAILED_PRECONDITION naming "review.type" when the schedule holds no such item.
absl::Status CompleteDueItem(std::vector<v1::DueItem>& items, ReviewType type,
                             absl::CivilDay done);

// Due strictly before `as_of`.
bool IsOverdue(const v1::DueItem& item, absl::CivilDay as_of);

// "partnerships/{p}/schedule/{TYPE}".
std::string DueItemName(const std::string& partnership, ReviewType type);

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_REVIEW_SCHEDULE_H_
