#include "services/integrations/change_streams.h"

namespace accord::integrations {

grpc::ServerWriteReactor<v1::FeedChange>* ChangeStreams::Open(
    ChangeFeed* feed, const v1::StreamChangesRequest& request) {
  absl::StatusOr<int64_t> after = SequenceOfCursor(request.cursor(), "cursor");
  ChangeFilter filter{{request.services().begin(), request.services().end()},
                      {request.kinds().begin(), request.kinds().end()},
                      {}};
  return streams_.Open(
      feed->store(), after.ok() ? *after : 0,
      [feed, filter = std::move(filter)](
          int64_t cursor) -> absl::StatusOr<storage::FeedBatch<v1::FeedChange>> {
        auto changes = feed->Read(cursor, 100);
        if (!changes.ok()) return changes.status();
        storage::FeedBatch<v1::FeedChange> batch;
        batch.cursor = cursor;
        for (auto& change : *changes) {
          if (auto sequence = SequenceOfCursor(change.cursor(), "cursor"); sequence.ok()) {
            batch.cursor = *sequence;
          }
          if (filter.Matches(change.event())) batch.items.push_back(std::move(change));
        }
        return batch;
      },
      after.status());
}

}  // namespace accord::integrations
