// Webhook subscriptions and their delivery state in the integrations store: the record
// (with its secret), a durable delivery cursor, done markers for changes delivered ahead
// of the cursor, the dead-letter list and the replay queue. Knows nothing of gRPC or HTTP.
//
// Thread safety: safe to share; see storage::Store.
#ifndef ACCORD_SERVICES_INTEGRATIONS_SUBSCRIPTIONS_H_
#define ACCORD_SERVICES_INTEGRATIONS_SUBSCRIPTIONS_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "accord/integrations/v1/integrations_service.pb.h"
#include "common/storage/store.h"
#include "services/integrations/change_feed.h"

namespace accord::integrations {

// What one delivery attempt chain ended with, written in one batch.
struct DeliveryOutcome {
  std::string subscription_id;
  v1::FeedChange change;
  int64_t sequence = 0;     // the change's merged sequence
  bool delivered = false;   // false: dead-lettered
  int attempts = 0;
  std::string last_error;
  bool replay = false;      // from the replay queue: the cursor does not move
  // When set, the delivery cursor moves here (every matching change up to it is done) and
  // the done markers up to it are dropped; otherwise a done marker is left for `sequence`.
  int64_t advance_to = 0;
};

class Subscriptions {
 public:
  static std::vector<std::string> ColumnFamilies();

  // `feed` is not owned and must outlive this.
  explicit Subscriptions(ChangeFeed* feed) : feed_(feed), store_(feed->store()) {}

  // Called (on the writing thread, quickly) after a subscription is created, deleted or
  // has replays queued; the dispatcher uses it to start, stop or wake a worker.
  void SetListener(std::function<void(const std::string& id)> listener) {
    listener_ = std::move(listener);
  }

  // INVALID_ARGUMENT naming the field for a bad URL or filter; the response holds the
  // secret, which no other call returns.
  absl::StatusOr<v1::Subscription> Create(const v1::CreateSubscriptionRequest& request);
  // NOT_FOUND when absent. The secret is withheld.
  absl::StatusOr<v1::Subscription> Get(const std::string& name) const;
  absl::StatusOr<v1::ListSubscriptionsResponse> List(
      const v1::ListSubscriptionsRequest& request) const;
  absl::Status Delete(const v1::DeleteSubscriptionRequest& request);
  absl::StatusOr<v1::ListDeadLettersResponse> ListDeadLetters(
      const v1::ListDeadLettersRequest& request) const;
  absl::StatusOr<v1::ReplayDeadLettersResponse> Replay(
      const v1::ReplayDeadLettersRequest& request);

  // For the dispatcher. The record with its secret; NOT_FOUND once deleted.
  absl::StatusOr<v1::Subscription> Load(const std::string& id) const;
  absl::StatusOr<std::vector<std::string>> AllIds() const;
  // The delivery cursor (merged sequence) and the done markers after it.
  absl::StatusOr<int64_t> DeliveredSequence(const std::string& id) const;
  absl::StatusOr<std::set<int64_t>> DoneAfter(const std::string& id, int64_t after) const;
  // Queued replays in merged order, at most `limit`.
  absl::StatusOr<std::vector<std::pair<int64_t, v1::FeedChange>>> QueuedReplays(
      const std::string& id, int limit) const;
  // Records `outcome` in one batch; does nothing when the subscription was deleted.
  absl::Status Record(const DeliveryOutcome& outcome);

 private:
  absl::StatusOr<v1::Subscription> Public(v1::Subscription record) const;

  ChangeFeed* feed_;
  storage::Store* store_;
  std::function<void(const std::string& id)> listener_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_SUBSCRIPTIONS_H_
