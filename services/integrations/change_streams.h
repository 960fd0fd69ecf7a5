// StreamChanges: a server stream of the merged feed from a cursor, following new changes as
// they are committed. The pattern of storage::EventStreams, with filters and cursors.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_
#define ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_

#include <set>

#include "absl/synchronization/mutex.h"
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
  void CloseAll();

 private:
  class Reactor;
  friend class Reactor;
  void Forget(Reactor* reactor);

  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Reactor*> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_CHANGE_STREAMS_H_
