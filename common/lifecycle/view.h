// How a service's view of a partnership follows the register's change feed. Pure.
#ifndef ACCORD_COMMON_LIFECYCLE_VIEW_H_
#define ACCORD_COMMON_LIFECYCLE_VIEW_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "accord/events/v1/events.pb.h"
#include "accord/lifecycle/v1/view.pb.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::lifecycle {

using View = lifecycle::v1::PartnershipView;

// `base` (the service's own fields kept) with the register's facts of `partnership`.
View ViewOf(const registry::v1::Partnership& partnership, View base = {});

// "partnerships/{id}" of a resource name ("partnerships/{id}" or a record under it, such
// as "partnerships/{id}/risks/{r}"), or empty when it names no partnership.
std::string PartnershipOf(absl::string_view resource_name);

// The view as the register's `event` leaves it: nullopt when the event deleted the
// partnership (only a proposal can be deleted), `before` unchanged when the event carries
// no partnership.
std::optional<View> AfterRegisterEvent(const std::optional<View>& before,
                                       const events::v1::Event& event);

// The state a service judges acts by: the register's, advanced by the service's own
// records where it drives the steps before approval (see Effective).
registry::v1::State StateOf(const View& view);

// The register's action when it refuses an act another service had accepted (the
// partnership had already moved on): "refused:" and the refused event's action, for example
// "refused:assessed"; the refused record is the event's resource_name.
std::string RefusalAction(absl::string_view refused_action);
// True when `event` is such a refusal.
bool IsRefusal(const events::v1::Event& event);
// The refused event's action ("assessed"), or empty when `event` is no refusal.
std::string RefusedAction(const events::v1::Event& event);

}  // namespace accord::lifecycle

#endif  // ACCORD_COMMON_LIFECYCLE_VIEW_H_
