#include "common/storage/partnership_views.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"

namespace accord::storage {
namespace {

constexpr absl::string_view kCollection = "partnerships/";

absl::StatusOr<std::optional<lifecycle::View>> Decode(absl::Status found,
                                                      const std::string& bytes) {
  if (absl::IsNotFound(found)) return std::optional<lifecycle::View>();
  if (!found.ok()) return found;
  lifecycle::View view;
  if (!view.ParseFromString(bytes)) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored partnership view cannot be decoded");
  }
  return std::optional<lifecycle::View>(std::move(view));
}

}  // namespace

absl::StatusOr<std::optional<lifecycle::View>> ReadView(Change& change, absl::string_view id) {
  std::string bytes;
  absl::Status found = change.Get(kViewsFamily, id, &bytes);
  return Decode(found, bytes);
}

absl::StatusOr<std::optional<lifecycle::View>> ReadView(const Store& store, absl::string_view id) {
  std::string bytes;
  absl::Status found = store.Get(kViewsFamily, id, &bytes);
  return Decode(found, bytes);
}

void PutView(Change& change, absl::string_view id, const lifecycle::View& view) {
  change.Put(kViewsFamily, id, view.SerializeAsString());
}

absl::StatusOr<ViewForAct> ViewForAct::Prepare(const Store& store,
                                               clients::PartnershipLookup& lookup,
                                               const std::string& partnership_name) {
  ViewForAct out;
  if (!absl::StartsWith(partnership_name, kCollection)) {
    return api::InvalidField("parent", absl::StrCat("must look like partnerships/{partnership}; "
                                                    "got '",
                                                    partnership_name, "'"));
  }
  out.id_ = partnership_name.substr(kCollection.size());
  auto kept = ReadView(store, out.id_);
  if (!kept.ok()) return kept.status();
  if (kept->has_value()) return out;
  auto facts = lookup.Lookup(partnership_name);
  if (!facts.ok()) return facts.status();
  lifecycle::View view;
  view.set_name(partnership_name);
  view.set_state(facts->state);
  view.set_tier(facts->tier);
  view.set_key_partnership(facts->key_partnership);
  view.set_lead_service(facts->lead_service);
  view.set_protocol(facts->protocol);
  out.fallback_ = std::move(view);
  return out;
}

namespace {

absl::StatusOr<lifecycle::View> ViewOrFallback(
    const absl::StatusOr<std::optional<lifecycle::View>>& kept,
    const std::optional<lifecycle::View>& fallback, const std::string& id) {
  if (!kept.ok()) return kept.status();
  if (kept->has_value()) return **kept;
  if (fallback.has_value()) return *fallback;
  // Prepare found a view, and now there is none: the partnership was deleted since.
  return api::Error(
      absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
      absl::StrCat("parent: the register has no partnership named 'partnerships/", id, "'"));
}

}  // namespace

absl::StatusOr<lifecycle::View> ViewForAct::Get(const Store& store) const {
  return ViewOrFallback(ReadView(store, id_), fallback_, id_);
}

absl::StatusOr<lifecycle::View> ViewForAct::Get(Change& change) const {
  return ViewOrFallback(ReadView(change, id_), fallback_, id_);
}

absl::Status ApplyRegisterEvent(Change& change, const events::v1::Event& event,
                                const ViewReaction& react) {
  std::string name = lifecycle::PartnershipOf(event.resource_name());
  if (name.empty()) return absl::OkStatus();
  std::string id = name.substr(kCollection.size());
  auto before = ReadView(change, id);
  if (!before.ok()) return before.status();
  std::optional<lifecycle::View> after = lifecycle::AfterRegisterEvent(*before, event);
  if (after.has_value()) {
    PutView(change, id, *after);
  } else if (before->has_value()) {
    change.Delete(kViewsFamily, id);
  }
  return react ? react(change, *before, after) : absl::OkStatus();
}

}  // namespace accord::storage
