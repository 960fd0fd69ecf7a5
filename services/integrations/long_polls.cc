#include "services/integrations/long_polls.h"

#include "absl/time/clock.h"

namespace accord::integrations {

LongPolls::LongPolls(storage::Store* store) : store_(store) {
  subscription_ = store_->Subscribe([this] {
    absl::MutexLock lock(&mu_);
    changed_ = true;
  });
  thread_ = std::thread([this] { Run(); });
}

LongPolls::~LongPolls() { Shutdown(); }

void LongPolls::Add(absl::Time deadline, Attempt attempt) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      fresh_.push_back({deadline, std::move(attempt)});
      return;
    }
  }
  attempt(true, true);
}

void LongPolls::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  store_->Unsubscribe(subscription_);
  if (thread_.joinable()) thread_.join();
}

void LongPolls::Run() {
  while (true) {
    bool changed = false;
    bool stopping = false;
    std::list<Poll> fresh;
    {
      absl::Time wake = absl::Now() + absl::Milliseconds(200);
      for (const Poll& poll : waiting_) wake = std::min(wake, poll.deadline);
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return changed_ || stopping_ || !fresh_.empty();
      };
      mu_.AwaitWithDeadline(absl::Condition(&ready), wake);
      changed = changed_;
      changed_ = false;
      stopping = stopping_;
      fresh.swap(fresh_);
    }
    absl::Time now = absl::Now();
    // New polls are tried at once: a change may have landed after their first read.
    for (auto it = fresh.begin(); it != fresh.end();) {
      auto next = std::next(it);
      if (!it->attempt(true, stopping || now >= it->deadline)) {
        waiting_.splice(waiting_.end(), fresh, it);
      }
      it = next;
    }
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      bool final = stopping || now >= it->deadline;
      if (it->attempt(changed, final)) {
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    if (stopping) return;
  }
}

}  // namespace accord::integrations
