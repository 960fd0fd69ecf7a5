// Server streams that follow a store's change feed: the backlog after a cursor, then each
// new item as it is committed. One implementation for every feed shape (a service's own
// events, the integrations service's merged and filtered feed).
//
// Thread safety: FeedStreams is safe to share.
#ifndef ACCORD_COMMON_STORAGE_FEED_STREAMS_H_
#define ACCORD_COMMON_STORAGE_FEED_STREAMS_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/api/errors.h"
#include "common/storage/store.h"
#include "grpcpp/support/server_callback.h"

namespace accord::storage {

// What a stream reads next: the items to send, and the cursor after them (which moves past
// items a filter left out, too).
template <typename Item>
struct FeedBatch {
  std::vector<Item> items;
  int64_t cursor = 0;
};

template <typename Item>
class FeedStreams {
 public:
  // Reads up to a page after `cursor`; an empty batch means caught up.
  using Source = std::function<absl::StatusOr<FeedBatch<Item>>(int64_t cursor)>;

  // A reactor owned by gRPC (it deletes itself when done) that sends what `source` reads
  // after `after`, then follows commits to `store`. `store` and this object must outlive it.
  // A non-OK `refusal` ends the stream at once with that status.
  grpc::ServerWriteReactor<Item>* Open(Store* store, int64_t after, Source source,
                                       const absl::Status& refusal = absl::OkStatus()) {
    auto* reactor = new Reactor(this, store, after, std::move(source));
    bool closed = false;
    {
      absl::MutexLock lock(&mu_);
      closed = closed_;
      open_.insert(reactor);
    }
    if (!refusal.ok()) {
      reactor->Close(api::ToGrpcStatus(refusal));
    } else if (closed) {
      reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
    } else {
      reactor->Pump();
    }
    return reactor;
  }

  // Ends every open stream with UNAVAILABLE, and every later one at once. For SIGTERM.
  void CloseAll() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    for (Reactor* reactor : open_) {
      reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
    }
  }

 private:
  // gRPC allows one outstanding write, so the reactor sends from a small buffer it refills
  // from the source, and parks when it has caught up until the store wakes it after a commit.
  class Reactor : public grpc::ServerWriteReactor<Item> {
   public:
    Reactor(FeedStreams* owner, Store* store, int64_t after, Source source)
        : owner_(owner), store_(store), source_(std::move(source)), cursor_(after),
          waker_(std::make_shared<Waker>()) {
      waker_->reactor = this;
      // The store calls wakes outside its own locks and may still hold a copy of this
      // function after Unsubscribe, so it reaches the reactor only through the Waker.
      subscription_ = store_->Subscribe([waker = waker_] {
        absl::MutexLock lock(&waker->mu);
        if (waker->reactor != nullptr) waker->reactor->Pump();
      });
    }

    void Pump() {
      absl::MutexLock lock(&mu_);
      PumpLocked();
    }

    void Close(grpc::Status status) {
      absl::MutexLock lock(&mu_);
      FinishLocked(std::move(status));
    }

    void OnWriteDone(bool ok) override {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream write failed"));
        return;
      }
      if (pending_finish_) {
        FinishLocked(*pending_finish_);
        return;
      }
      PumpLocked();
    }

    void OnCancel() override { Close(grpc::Status::CANCELLED); }

    void OnDone() override {
      store_->Unsubscribe(subscription_);
      {
        absl::MutexLock lock(&waker_->mu);
        waker_->reactor = nullptr;
      }
      owner_->Forget(this);
      delete this;
    }

   private:
    struct Waker {
      absl::Mutex mu;
      Reactor* reactor = nullptr;
    };

    void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (writing_ || finished_) return;
      while (buffer_.empty()) {
        auto batch = source_(cursor_);
        if (!batch.ok()) {
          FinishLocked(api::ToGrpcStatus(batch.status()));
          return;
        }
        if (batch->cursor <= cursor_) return;  // caught up: wait for the next wake
        cursor_ = batch->cursor;
        for (auto& item : batch->items) buffer_.push_back(std::move(item));
      }
      current_ = std::move(buffer_.front());
      buffer_.pop_front();
      writing_ = true;
      this->StartWrite(&current_);
    }

    void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (finished_) return;
      if (writing_) {
        pending_finish_ = std::move(status);
        return;
      }
      finished_ = true;
      this->Finish(std::move(status));
    }

    FeedStreams* owner_;
    Store* store_;
    Source source_;
    int subscription_ = 0;
    absl::Mutex mu_;
    int64_t cursor_ ABSL_GUARDED_BY(mu_);  // the last item read into the buffer
    std::deque<Item> buffer_ ABSL_GUARDED_BY(mu_);
    Item current_ ABSL_GUARDED_BY(mu_);
    bool writing_ ABSL_GUARDED_BY(mu_) = false;
    bool finished_ ABSL_GUARDED_BY(mu_) = false;
    std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
    std::shared_ptr<Waker> waker_;
  };

  void Forget(Reactor* reactor) {
    absl::MutexLock lock(&mu_);
    open_.erase(reactor);
  }

  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Reactor*> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_FEED_STREAMS_H_
