// Delivers the merged feed to every subscription: one worker per subscription walks the
// feed from its durable cursor in windows; within a window, changes are split into lanes by
// the record they belong to (OrderingKey), lanes run in parallel on the DeliveryPool and
// each lane strictly in order, so a later change of a partnership never goes before an
// earlier one has been delivered or dead-lettered. Failed attempts are retried with
// exponential backoff; after max_attempts the change is dead-lettered. Queued replays go
// first. At least once: an outcome is recorded only after the receiver answered 2xx.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_DISPATCHER_H_
#define ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_DISPATCHER_H_

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/integrations/change_feed.h"
#include "services/integrations/delivery_pool.h"
#include "services/integrations/http_poster.h"
#include "services/integrations/subscriptions.h"

namespace accord::integrations {

struct DeliveryOptions {
  int threads = 4;
  absl::Duration first_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(60);
  int max_attempts = 10;
  absl::Duration timeout = absl::Seconds(10);  // per attempt
  int window = 64;  // changes read per window
};

class WebhookDispatcher {
 public:
  // Not owned; all must outlive the dispatcher.
  WebhookDispatcher(ChangeFeed* feed, Subscriptions* subscriptions, const HttpPoster* poster,
                    DeliveryOptions options);
  ~WebhookDispatcher();  // Stop()

  // Starts a worker per stored subscription and follows feed commits.
  void Start();
  // A subscription was created, deleted or had replays queued.
  void Notify(const std::string& id);
  void Stop();

 private:
  struct Worker;
  void Kick(const std::shared_ptr<Worker>& worker);
  void LoadWindow(const std::shared_ptr<Worker>& worker);
  void Attempt(const std::shared_ptr<Worker>& worker, int lane, int attempt);
  void Finish(const std::shared_ptr<Worker>& worker, int lane, bool delivered, int attempts,
              const std::string& error);

  ChangeFeed* feed_;
  Subscriptions* subscriptions_;
  const HttpPoster* poster_;
  const DeliveryOptions options_;
  DeliveryPool pool_;
  int subscription_ = 0;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Worker>> workers_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_DISPATCHER_H_
