// A service's views of the partnerships it serves (lifecycle/view.h), kept in its own store
// from the register's change feed. Every act reads the view inside its own change, so an
// act and the register event that ends the partnership are ordered by the store: either the
// act sees the final state and is refused, or the event's reaction finishes what the act
// wrote.
#ifndef ACCORD_COMMON_STORAGE_PARTNERSHIP_VIEWS_H_
#define ACCORD_COMMON_STORAGE_PARTNERSHIP_VIEWS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clients/partnership_lookup.h"
#include "common/lifecycle/view.h"
#include "common/storage/store.h"

namespace accord::storage {

inline constexpr absl::string_view kViewsFamily = "partnership_views";

// The view of partnership `id` as `change` sees it; nullopt when none is kept.
absl::StatusOr<std::optional<lifecycle::View>> ReadView(Change& change, absl::string_view id);
absl::StatusOr<std::optional<lifecycle::View>> ReadView(const Store& store, absl::string_view id);
void PutView(Change& change, absl::string_view id, const lifecycle::View& view);

// What an act judges a partnership by. Before the change: Prepare() asks the register once,
// synchronously, only when the register's feed has not brought the partnership yet (it was
// created a moment ago). Inside the change: Get() reads the view, falling back to that answer.
class ViewForAct {
 public:
  // NOT_FOUND (PARTNERSHIP_NOT_FOUND) when the register has no such partnership;
  // UNAVAILABLE when the view is missing and the register does not answer.
  static absl::StatusOr<ViewForAct> Prepare(const Store& store, clients::PartnershipLookup& lookup,
                                            const std::string& partnership_name);
  absl::StatusOr<lifecycle::View> Get(Change& change) const;
  // The same outside a change (for checks that the change repeats).
  absl::StatusOr<lifecycle::View> Get(const Store& store) const;

 private:
  std::string id_;
  std::optional<lifecycle::View> fallback_;
};

// Applies a register-feed event to the view it names, inside `change`; `react` (may be
// null) is called with the view before (nullopt when none) and after (nullopt when the
// partnership was deleted), and adds the service's own reactions to the same change.
using ViewReaction =
    std::function<absl::Status(Change&, const std::optional<lifecycle::View>& before,
                               const std::optional<lifecycle::View>& after)>;
absl::Status ApplyRegisterEvent(Change& change, const events::v1::Event& event,
                                const ViewReaction& react);

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_PARTNERSHIP_VIEWS_H_
