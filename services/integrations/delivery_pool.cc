#include "services/integrations/delivery_pool.h"

#include "absl/time/clock.h"

namespace accord::integrations {

DeliveryPool::DeliveryPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

DeliveryPool::~DeliveryPool() { Stop(); }

void DeliveryPool::Post(absl::Time when, std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (!stopping_) tasks_.emplace(when, std::move(task));
}

void DeliveryPool::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    tasks_.clear();
  }
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void DeliveryPool::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      while (true) {
        if (stopping_) return;
        absl::Time now = absl::Now();
        if (!tasks_.empty() && tasks_.begin()->first <= now) break;
        absl::Time earliest = tasks_.empty() ? absl::InfiniteFuture() : tasks_.begin()->first;
        // Wakes at the earliest task's time, or sooner when an earlier task is posted.
        auto changed = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
          return stopping_ || (!tasks_.empty() && tasks_.begin()->first < earliest);
        };
        mu_.AwaitWithDeadline(absl::Condition(&changed), std::min(earliest, now + absl::Seconds(1)));
      }
      task = std::move(tasks_.begin()->second);
      tasks_.erase(tasks_.begin());
    }
    task();
  }
}

}  // namespace accord::integrations
