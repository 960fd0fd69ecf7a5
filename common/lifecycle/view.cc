#include "common/lifecycle/view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/lifecycle/lifecycle.h"

namespace accord::lifecycle {

View ViewOf(const registry::v1::Partnership& p, View base) {
  base.set_name(p.name());
  base.set_state(p.state());
  base.set_tier(p.tier());
  base.set_key_partnership(p.key_partnership());
  base.set_lead_service(p.lead_service());
  base.set_protocol(p.protocol());
  return base;
}

std::string PartnershipOf(absl::string_view resource_name) {
  constexpr absl::string_view kCollection = "partnerships/";
  if (!absl::StartsWith(resource_name, kCollection) ||
      resource_name.size() == kCollection.size()) {
    return "";
  }
  return std::string(resource_name.substr(0, resource_name.find('/', kCollection.size())));
}

std::optional<View> AfterRegisterEvent(const std::optional<View>& before,
                                       const events::v1::Event& event) {
  if (event.kind() == events::v1::DELETED) return std::nullopt;
  registry::v1::Partnership partnership;
  if (!event.resource().UnpackTo(&partnership) || partnership.name().empty()) return before;
  View after = ViewOf(partnership, before.value_or(View{}));
  after.set_own_progress(
      OwnProgressAfter(before ? before->state() : registry::v1::STATE_UNSPECIFIED, after.state(),
                       after.own_progress()));
  return after;
}

registry::v1::State StateOf(const View& view) {
  return Effective(view.state(), view.own_progress());
}

namespace {
constexpr absl::string_view kRefusedPrefix = "refused:";
}  // namespace

std::string RefusalAction(absl::string_view refused_action) {
  return absl::StrCat(kRefusedPrefix, refused_action);
}

bool IsRefusal(const events::v1::Event& event) {
  return absl::StartsWith(event.action(), kRefusedPrefix);
}

std::string RefusedAction(const events::v1::Event& event) {
  return IsRefusal(event) ? event.action().substr(kRefusedPrefix.size()) : std::string();
}

}  // namespace accord::lifecycle
