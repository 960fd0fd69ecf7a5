#include "services/integrations/change_streams.h"

#include <deque>
#include <memory>
#include <optional>

#include "common/api/errors.h"

namespace accord::integrations {

// gRPC allows one outstanding write, so the reactor sends from a small buffer it refills
// from the store, and parks when caught up until a commit wakes it.
class ChangeStreams::Reactor : public grpc::ServerWriteReactor<v1::FeedChange> {
 public:
  Reactor(ChangeStreams* owner, ChangeFeed* feed, int64_t after, ChangeFilter filter)
      : owner_(owner), feed_(feed), filter_(std::move(filter)), cursor_(after),
        waker_(std::make_shared<Waker>()) {
    waker_->reactor = this;
    // The store may still hold a copy of the wake after Unsubscribe, so it reaches the
    // reactor only through the Waker.
    subscription_ = feed_->store()->Subscribe([waker = waker_] {
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
    feed_->store()->Unsubscribe(subscription_);
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
      auto changes = feed_->Read(cursor_, 100);
      if (!changes.ok()) {
        FinishLocked(api::ToGrpcStatus(changes.status()));
        return;
      }
      if (changes->empty()) return;  // caught up: wait for the next wake
      for (auto& change : *changes) {
        auto sequence = SequenceOfCursor(change.cursor(), "cursor");
        if (sequence.ok()) cursor_ = *sequence;
        if (filter_.Matches(change.event())) buffer_.push_back(std::move(change));
      }
    }
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (writing_) {
      pending_finish_ = std::move(status);
      return;
    }
    finished_ = true;
    Finish(std::move(status));
  }

  ChangeStreams* owner_;
  ChangeFeed* feed_;
  const ChangeFilter filter_;
  int subscription_ = 0;
  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);  // the last change read into the buffer
  std::deque<v1::FeedChange> buffer_ ABSL_GUARDED_BY(mu_);
  v1::FeedChange current_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Waker> waker_;
};

grpc::ServerWriteReactor<v1::FeedChange>* ChangeStreams::Open(
    ChangeFeed* feed, const v1::StreamChangesRequest& request) {
  absl::StatusOr<int64_t> after = SequenceOfCursor(request.cursor(), "cursor");
  ChangeFilter filter{{request.services().begin(), request.services().end()},
                      {request.kinds().begin(), request.kinds().end()},
                      {}};
  auto* reactor = new Reactor(this, feed, after.ok() ? *after : 0, std::move(filter));
  bool closed = false;
  {
    absl::MutexLock lock(&mu_);
    closed = closed_;
    open_.insert(reactor);
  }
  if (!after.ok()) {
    reactor->Close(api::ToGrpcStatus(after.status()));
  } else if (closed) {
    reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  } else {
    reactor->Pump();
  }
  return reactor;
}

void ChangeStreams::CloseAll() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (Reactor* reactor : open_) {
    reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
}

void ChangeStreams::Forget(Reactor* reactor) {
  absl::MutexLock lock(&mu_);
  open_.erase(reactor);
}

}  // namespace accord::integrations
