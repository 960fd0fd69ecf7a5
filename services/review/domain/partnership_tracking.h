// How the review service's record of a partnership follows the other services' feeds
// (register, assessment, risk), and how its schedule follows the record. Pure.
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_PARTNERSHIP_TRACKING_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_PARTNERSHIP_TRACKING_H_

#include <string>

#include "absl/time/civil_time.h"
#include "accord/events/v1/events.pb.h"
#include "accord/registry/v1/partnership.pb.h"
#include "accord/review/v1/review.pb.h"
#include "services/review/domain/review_schedule.h"

namespace accord::review {

using Tracked = v1::TrackedPartnership;

// Each returns true when the record changed. Events it cannot read change nothing.
// Register: display name, state, tier, key flag, contribution, created and closed dates.
bool ReactToRegister(Tracked& record, const events::v1::Event& event);
// Assessment: screened, assessed (protocol version), evaluations, approval date.
bool ReactToAssessment(Tracked& record, const events::v1::Event& event);
// Risk: open or closed, escalation state.
bool ReactToRisk(Tracked& record, const events::v1::Event& event);

// The state the review service judges acts by: CLOSED once its formal exit is recorded;
// otherwise the register's, or the approval the assessment feed brought a moment before the
// register's feed (lifecycle::Effective).
registry::v1::State StateOf(const Tracked& record);

// Whether the partnership owes reviews: approved, assessed, and not closed or exited.
bool Schedulable(const Tracked& record);

// Brings record.items in line with the record and `protocol` (null when the protocol
// version is not known yet: no schedule); `effective` is the day of the change. Returns
// true when a due date changed (an item added, moved or removed); a new display name is
// copied into the items but returns false.
bool RefreshSchedule(Tracked& record, const Protocol* protocol, absl::CivilDay effective);

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_PARTNERSHIP_TRACKING_H_
