// The merged change feed: every event of the followed services, appended in the order it
// was applied, each exactly once (the follower's cursor is stored in the same batch).
//
// The integrations store's own event log *is* the merged feed: each entry wraps the original
// event (kept whole, with its service and sequence) in `resource`, and only appends emit
// events, so a merged sequence is a store sequence. Cursors are opaque page tokens holding
// a merged sequence.
//
// Thread safety: safe to share; see storage::Store.
#ifndef ACCORD_SERVICES_INTEGRATIONS_CHANGE_FEED_H_
#define ACCORD_SERVICES_INTEGRATIONS_CHANGE_FEED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "accord/integrations/v1/integrations_service.pb.h"
#include "common/storage/store.h"

namespace accord::integrations {

namespace v1 = accord::integrations::v1;

// The cursor naming merged sequence `sequence` (0: the start).
std::string CursorFor(int64_t sequence);
// The merged sequence of `cursor` (0 when empty); INVALID_ARGUMENT naming `field` when it is
// not one of ours.
absl::StatusOr<int64_t> SequenceOfCursor(absl::string_view cursor, absl::string_view field);

// "partnerships/p-1" for "partnerships/p-1/risks/r-2": the record an event belongs to,
// whose events are delivered in order.
std::string OrderingKey(const events::v1::Event& event);

// Which changes a reader wants; empty lists match everything.
struct ChangeFilter {
  std::vector<std::string> services;
  std::vector<int> kinds;
  std::vector<std::string> actions;
  bool Matches(const events::v1::Event& event) const;
};

class ChangeFeed {
 public:
  // `store` is not owned and must outlive the feed.
  explicit ChangeFeed(storage::Store* store) : store_(store) {}

  // Appends `event` of feed `source` once, in one batch with the source's cursor.
  absl::Status Append(absl::string_view source, const events::v1::Event& event);

  // Up to `limit` changes after merged sequence `after`, in order, unfiltered.
  absl::StatusOr<std::vector<v1::FeedChange>> Read(int64_t after, int limit) const;

  // A page of changes after request.cursor passing its filters. Reads at most a bounded
  // number of changes, so a page may be short or empty with next_cursor moved on.
  // Ignores wait_seconds (see LongPolls).
  absl::StatusOr<v1::ListChangesResponse> List(const v1::ListChangesRequest& request) const;

  int64_t latest_sequence() const { return store_->latest_sequence(); }
  storage::Store* store() const { return store_; }

 private:
  storage::Store* store_;
};

// The FeedChange a stored merged-feed entry stands for.
absl::StatusOr<v1::FeedChange> ChangeOfEntry(const events::v1::Event& entry);

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_CHANGE_FEED_H_
