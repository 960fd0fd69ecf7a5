#include "services/integrations/change_feed.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/errors.h"
#include "common/api/page_token.h"
#include "common/storage/feed_follower.h"

namespace accord::integrations {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// The most changes one List examines, so that a narrow filter still answers quickly.
constexpr int kScanBudget = 5000;

// Cursors do not depend on filters: a reader may change its filter and keep its place.
uint64_t CursorFingerprint() {
  static const uint64_t fingerprint = api::QueryFingerprint("accord.integrations.changes", "");
  return fingerprint;
}

}  // namespace

std::string CursorFor(int64_t sequence) {
  return api::EncodePageToken(absl::StrCat(sequence), CursorFingerprint());
}

absl::StatusOr<int64_t> SequenceOfCursor(absl::string_view cursor, absl::string_view field) {
  if (cursor.empty()) return 0;
  auto decoded = api::DecodePageToken(cursor, CursorFingerprint());
  int64_t sequence = 0;
  if (!decoded.ok() || !absl::SimpleAtoi(*decoded, &sequence) || sequence < 0) {
    return api::InvalidField(field, "is not a cursor of the change feed; pass one it returned");
  }
  return sequence;
}

std::string OrderingKey(const events::v1::Event& event) {
  std::vector<absl::string_view> parts = absl::StrSplit(event.resource_name(), '/');
  if (parts.size() < 2) return event.resource_name();
  return absl::StrCat(parts[0], "/", parts[1]);
}

bool ChangeFilter::Matches(const events::v1::Event& event) const {
  auto any = [](const auto& list, const auto& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
  };
  return any(services, event.service()) && any(kinds, static_cast<int>(event.kind())) &&
         any(actions, event.action());
}

absl::StatusOr<v1::FeedChange> ChangeOfEntry(const events::v1::Event& entry) {
  v1::FeedChange change;
  if (!entry.resource().UnpackTo(change.mutable_event())) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      absl::StrCat("merged change ", entry.sequence(), " cannot be decoded"));
  }
  change.set_cursor(CursorFor(entry.sequence()));
  return change;
}

absl::Status ChangeFeed::Append(absl::string_view source, const events::v1::Event& event) {
  return storage::ApplyOnce(*store_, source, event, [&](storage::Change& change) {
    change.Emit(event.kind(), event.resource_name(), event, event.request_id(), event.action());
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<v1::FeedChange>> ChangeFeed::Read(int64_t after, int limit) const {
  auto entries = store_->ReadEvents(after, limit);
  if (!entries.ok()) return entries.status();
  std::vector<v1::FeedChange> changes;
  for (const auto& entry : *entries) {
    auto change = ChangeOfEntry(entry);
    if (!change.ok()) return change.status();
    changes.push_back(*std::move(change));
  }
  return changes;
}

absl::StatusOr<v1::ListChangesResponse> ChangeFeed::List(
    const v1::ListChangesRequest& request) const {
  auto page_size = api::EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  auto after = SequenceOfCursor(request.cursor(), "cursor");
  if (!after.ok()) return after.status();
  if (request.wait_seconds() < 0 || request.wait_seconds() > 30) {
    return api::InvalidField("wait_seconds", absl::StrCat("must be 0 to 30; got ",
                                                          request.wait_seconds()));
  }
  ChangeFilter filter{{request.services().begin(), request.services().end()},
                      {request.kinds().begin(), request.kinds().end()},
                      {}};
  v1::ListChangesResponse response;
  int64_t cursor = *after;
  int examined = 0;
  while (response.changes_size() < *page_size && examined < kScanBudget) {
    auto entries = store_->ReadEvents(cursor, std::min(500, kScanBudget - examined));
    if (!entries.ok()) return entries.status();
    if (entries->empty()) break;
    for (const auto& entry : *entries) {
      ++examined;
      cursor = entry.sequence();
      auto change = ChangeOfEntry(entry);
      if (!change.ok()) return change.status();
      if (filter.Matches(change->event())) {
        *response.add_changes() = *std::move(change);
        if (response.changes_size() == *page_size) break;
      }
    }
  }
  response.set_next_cursor(CursorFor(cursor));
  return response;
}

}  // namespace accord::integrations
