// Follows another service's change feed and applies each event exactly once.
//
// The follower keeps its cursor (the last sequence applied) in the consumer's own store,
// and the apply function writes it in the same batch as the change the event causes (see
// ApplyOnce), so a crash on either side neither loses nor repeats an event. After any error
// it reconnects with backoff and resumes from the stored cursor.
#ifndef ACCORD_COMMON_STORAGE_FEED_FOLLOWER_H_
#define ACCORD_COMMON_STORAGE_FEED_FOLLOWER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "accord/events/v1/events.pb.h"
#include "common/server/address.h"
#include "common/storage/store.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/sync_stream.h"

namespace accord::storage {

// The stored cursor of feed `source` (0 when none).
absl::StatusOr<int64_t> ReadCursor(const Store& store, absl::string_view source);

// Every stored cursor: feed name -> last sequence applied.
absl::StatusOr<std::map<std::string, int64_t>> ReadCursors(const Store& store);

// Applies `event` from feed `source` in one batch with its cursor: `apply` adds the event's
// effects to the change (it may add none); events at or before the cursor are skipped.
absl::Status ApplyOnce(Store& store, absl::string_view source, const events::v1::Event& event,
                       const std::function<absl::Status(Change&)>& apply);

class FeedFollower {
 public:
  // Opens the producer's StreamEvents; returns nullptr when the producer cannot be located
  // yet (the follower then retries with backoff).
  using OpenStream = std::function<std::unique_ptr<grpc::ClientReaderInterface<events::v1::Event>>(
      grpc::ClientContext*, const events::v1::StreamEventsRequest&)>;
  using Apply = std::function<absl::Status(const events::v1::Event&)>;

  // `store` (not owned) holds the cursor; `apply` must use ApplyOnce with the same source.
  FeedFollower(std::string source, Store* store, OpenStream open, Apply apply);
  ~FeedFollower();  // stops

  void Start();
  void Stop();

  // The last sequence applied, for tests and metrics.
  int64_t applied() const { return applied_.load(); }

 private:
  void Run();

  std::string source_;
  Store* store_;
  OpenStream open_;
  Apply apply_;
  std::atomic<int64_t> applied_{0};
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  grpc::ClientContext* current_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

// A follower of the feed of `GrpcService` (a generated service with StreamEvents) at
// `address` (see server::ResolveAddress). Not started.
template <typename GrpcService>
std::unique_ptr<FeedFollower> FollowPeerFeed(std::string source, Store* store,
                                             const std::string& address,
                                             FeedFollower::Apply apply) {
  auto channel = std::make_shared<server::PeerChannel>(address);
  return std::make_unique<FeedFollower>(
      std::move(source), store,
      [channel](grpc::ClientContext* ctx, const events::v1::StreamEventsRequest& request)
          -> std::unique_ptr<grpc::ClientReaderInterface<events::v1::Event>> {
        std::shared_ptr<grpc::Channel> peer = channel->Get();
        if (peer == nullptr) return nullptr;
        return GrpcService::NewStub(peer)->StreamEvents(ctx, request);
      },
      std::move(apply));
}

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_FEED_FOLLOWER_H_
