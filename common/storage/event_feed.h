// Serving a store's change feed: pages for ListEvents, and a server stream that follows it.
#ifndef ACCORD_COMMON_STORAGE_EVENT_FEED_H_
#define ACCORD_COMMON_STORAGE_EVENT_FEED_H_

#include <memory>
#include <set>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "accord/events/v1/events.pb.h"
#include "common/storage/feed_streams.h"
#include "common/storage/store.h"
#include "grpcpp/support/server_callback.h"

namespace accord::storage {

// OUT_OF_RANGE when a consumer's cursor is beyond the feed (the producer's store was restored
// from an older copy): following on would silently skip the events that come next.
absl::Status CheckCursor(const Store& store, int64_t after_sequence);

// A page of events after request.after_sequence (default 100, at most 1000).
absl::StatusOr<events::v1::ListEventsResponse> ListEvents(
    const Store& store, const events::v1::ListEventsRequest& request);

// Keeps track of open feed streams so that shutdown can end them; thread-safe.
class EventStreams {
 public:
  // A reactor that sends every event after `after_sequence`, then each new one as it is
  // committed. Owned by gRPC; it deletes itself when done. `store` and this object must
  // outlive it.
  grpc::ServerWriteReactor<events::v1::Event>* Open(Store* store, int64_t after_sequence);

  // Ends every open stream with UNAVAILABLE, and every later one at once. For SIGTERM.
  void CloseAll() { streams_.CloseAll(); }

 private:
  FeedStreams<events::v1::Event> streams_;
};

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_EVENT_FEED_H_
