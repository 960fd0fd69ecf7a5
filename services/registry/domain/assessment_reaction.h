// How the register follows the assessment service (DOMAIN.md sections 2-4): a screening
// moves a proposed partnership to SCREENED or SCREENED_OUT and binds its protocol, an
// assessment sets the tier and moves it to ASSESSED, a submitted evaluation to
// AWAITING_APPROVAL, an approved one to ACTIVE, a rejected one to REJECTED. An act the
// life-cycle policy does not allow in the register's state (the partnership closed a moment
// before the assessment service heard of it) is refused, and the refusal goes on the
// register's feed so that the assessment service voids it. Pure: no gRPC, no RocksDB.
#ifndef ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_
#define ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "accord/events/v1/events.pb.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::registry {

struct AssessmentReaction {
  // The partnership as the event leaves it; nullopt when the event changes nothing.
  std::optional<v1::Partnership> after;
  // Not OK when the life cycle refuses the act the event records: the register keeps the
  // partnership as it is and tells the assessment service (the status says why).
  absl::Status refused;
};

AssessmentReaction ReactToAssessment(const v1::Partnership& current,
                                     const events::v1::Event& event);

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_
