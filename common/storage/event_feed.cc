#include "common/storage/event_feed.h"


#include "common/api/errors.h"
#include "absl/strings/str_cat.h"
#include "common/api/page_token.h"

namespace accord::storage {

absl::Status CheckCursor(const Store& store, int64_t after_sequence) {
  int64_t latest = store.latest_sequence();
  if (after_sequence > latest) {
    return api::Error(absl::StatusCode::kOutOfRange, "CURSOR_AHEAD_OF_FEED",
                      absl::StrCat("after_sequence: ", after_sequence,
                                   " is beyond the feed's latest sequence ", latest,
                                   "; was this service's store restored from an older copy?"));
  }
  return absl::OkStatus();
}

absl::StatusOr<events::v1::ListEventsResponse> ListEvents(
    const Store& store, const events::v1::ListEventsRequest& request) {
  if (request.after_sequence() < 0) {
    return api::InvalidField("after_sequence", "must be zero or more");
  }
  if (absl::Status s = CheckCursor(store, request.after_sequence()); !s.ok()) return s;
  auto page_size = api::EffectivePageSize(request.page_size(), 100, 1000);
  if (!page_size.ok()) return page_size.status();
  int64_t latest = store.latest_sequence();
  auto events = store.ReadEvents(request.after_sequence(), *page_size);
  if (!events.ok()) return events.status();
  events::v1::ListEventsResponse response;
  response.set_next_after_sequence(request.after_sequence());
  for (auto& event : *events) {
    response.set_next_after_sequence(event.sequence());
    *response.add_events() = std::move(event);
  }
  response.set_latest_sequence(std::max(latest, response.next_after_sequence()));
  return response;
}

grpc::ServerWriteReactor<events::v1::Event>* EventStreams::Open(Store* store,
                                                                int64_t after_sequence) {
  absl::Status refusal = after_sequence < 0
                             ? api::InvalidField("after_sequence", "must be zero or more")
                             : CheckCursor(*store, after_sequence);
  return streams_.Open(
      store, after_sequence,
      [store](int64_t cursor) -> absl::StatusOr<FeedBatch<events::v1::Event>> {
        auto events = store->ReadEvents(cursor, 100);
        if (!events.ok()) return events.status();
        FeedBatch<events::v1::Event> batch;
        batch.cursor = events->empty() ? cursor : events->back().sequence();
        batch.items = *std::move(events);
        return batch;
      },
      refusal);
}

}  // namespace accord::storage
