// A fixed set of worker threads running tasks at or after a given time: webhook attempts
// and their retries run here, never on gRPC threads, and a retry waiting out its backoff
// holds no thread.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_INTEGRATIONS_DELIVERY_POOL_H_
#define ACCORD_SERVICES_INTEGRATIONS_DELIVERY_POOL_H_

#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace accord::integrations {

class DeliveryPool {
 public:
  explicit DeliveryPool(int threads);
  ~DeliveryPool();  // Stop()

  // Runs `task` on a worker at or after `when`. Dropped after Stop.
  void Post(absl::Time when, std::function<void()> task);

  // Drops waiting tasks, lets running ones finish, and joins the workers.
  void Stop();

 private:
  void Work();

  absl::Mutex mu_;
  std::multimap<absl::Time, std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_DELIVERY_POOL_H_
