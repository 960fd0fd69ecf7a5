// StreamChanges: a server stream of the merged feed from a cursor, following new changes as
// they are committed, filtered by service and kind.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_
#define ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_

#include "common/storage/feed_streams.h"
#include "grpcpp/support/server_callback.h"
#include "services/integrations/change_feed.h"

namespace accord::integrations {

class ChangeStreams {
 public:
  // A reactor owned by gRPC (it deletes itself when done); `feed` and this object must
  // outlive it. A bad cursor ends the stream with INVALID_ARGUMENT naming "cursor".
  grpc::ServerWriteReactor<v1::FeedChange>* Open(ChangeFeed* feed,
                                                 const v1::StreamChangesRequest& request);

  // Ends every open stream with UNAVAILABLE, and every later one at once. For SIGTERM.
  void CloseAll() { streams_.CloseAll(); }

 private:
  storage::FeedStreams<v1::FeedChange> streams_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_
