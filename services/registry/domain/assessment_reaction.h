// How the register follows the assessment service (DOMAIN.md sections 2-4): a screening
// moves a proposed partnership to SCREENED or SCREENED_OUT, an assessment sets the tier and
// moves it to ASSESSED, a submitted evaluation to AWAITING_APPROVAL, an approved one to
// ACTIVE, a rejected one to REJECTED. Pure: no gRPC, no RocksDB.
#ifndef ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_
#define ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_

#include <optional>
#include <string>

#include "accord/events/v1/events.pb.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::registry {

// The partnership name an assessment-feed event is about ("partnerships/{id}"), or empty
// when the event is not about a partnership (a protocol, say).
std::string PartnershipOfEvent(const events::v1::Event& event);

// `current` as the event leaves it, or nullopt when the event changes nothing (already
// applied, or a move the life cycle does not allow from the current state).
std::optional<v1::Partnership> ReactToAssessment(const v1::Partnership& current,
                                                 const events::v1::Event& event);

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_DOMAIN_ASSESSMENT_REACTION_H_
