#include "common/storage/event_feed.h"

#include <deque>
#include <optional>
#include <set>

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

// One stream. gRPC allows one outstanding write at a time, so the reactor sends from a
// small buffer it refills from the store, and parks when it has caught up until the store
// wakes it after a commit.
class EventStreams::Reactor : public grpc::ServerWriteReactor<events::v1::Event> {
 public:
  Reactor(EventStreams* owner, Store* store, int64_t after)
      : owner_(owner), store_(store), cursor_(after), waker_(std::make_shared<Waker>()) {
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
    cursor_ = current_.sequence();
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
    if (buffer_.empty()) {
      auto events = store_->ReadEvents(cursor_, 100);
      if (!events.ok()) {
        FinishLocked(api::ToGrpcStatus(events.status()));
        return;
      }
      for (auto& event : *events) buffer_.push_back(std::move(event));
    }
    if (buffer_.empty()) return;  // caught up: wait for the next wake
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

  EventStreams* owner_;
  Store* store_;
  int subscription_ = 0;
  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_);
  std::deque<events::v1::Event> buffer_ ABSL_GUARDED_BY(mu_);
  events::v1::Event current_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Waker> waker_;
};

grpc::ServerWriteReactor<events::v1::Event>* EventStreams::Open(Store* store,
                                                                int64_t after_sequence) {
  auto* reactor = new Reactor(this, store, after_sequence);
  bool closed = false;
  {
    absl::MutexLock lock(&mu_);
    closed = closed_;
    open_.insert(reactor);
  }
  if (after_sequence < 0) {
    reactor->Close(api::ToGrpcStatus(
        api::InvalidField("after_sequence", "must be zero or more")));
  } else if (absl::Status s = CheckCursor(*store, after_sequence); !s.ok()) {
    reactor->Close(api::ToGrpcStatus(s));
  } else if (closed) {
    reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  } else {
    reactor->Pump();
  }
  return reactor;
}

void EventStreams::CloseAll() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (Reactor* reactor : open_) {
    reactor->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down"));
  }
}

void EventStreams::Forget(Reactor* reactor) {
  absl::MutexLock lock(&mu_);
  open_.erase(reactor);
}

}  // namespace accord::storage
