#include "services/integrations/webhook_dispatcher.h"

#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/telemetry/log.h"
#include "google/protobuf/util/json_util.h"
#include "services/integrations/webhook_signing.h"

namespace accord::integrations {

struct WebhookDispatcher::Worker {
  std::string id;
  absl::Mutex mu;
  bool busy ABSL_GUARDED_BY(mu) = false;   // a window is loading or being delivered
  bool dirty ABSL_GUARDED_BY(mu) = false;  // something happened while busy
  bool deleted ABSL_GUARDED_BY(mu) = false;
  // The current window: lanes of (merged sequence, change), and what is left.
  v1::Subscription subscription;
  WebhookUrl url;
  bool replay = false;
  int64_t window_end = 0;
  std::vector<std::deque<std::pair<int64_t, v1::FeedChange>>> lanes;
  int open_lanes ABSL_GUARDED_BY(mu) = 0;
};

namespace {

std::string Body(const v1::FeedChange& change) {
  google::protobuf::util::JsonPrintOptions options;
  std::string json;
  if (google::protobuf::util::MessageToJsonString(change, &json, options).ok()) return json;
  // A resource type this build does not know: deliver the event without it.
  v1::FeedChange bare = change;
  bare.mutable_event()->clear_resource();
  json.clear();
  (void)google::protobuf::util::MessageToJsonString(bare, &json, options);
  return json;
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(ChangeFeed* feed, Subscriptions* subscriptions,
                                     const HttpPoster* poster, DeliveryOptions options)
    : feed_(feed), subscriptions_(subscriptions), poster_(poster), options_(options),
      pool_(options.threads) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Start() {
  auto ids = subscriptions_->AllIds();
  if (!ids.ok()) {
    telemetry::Log("error", "cannot list subscriptions", {{"error", ids.status().ToString()}});
  } else {
    for (const std::string& id : *ids) Notify(id);
  }
  subscription_ = feed_->store()->Subscribe([this] {
    std::vector<std::shared_ptr<Worker>> workers;
    {
      absl::MutexLock lock(&mu_);
      for (auto& [id, worker] : workers_) workers.push_back(worker);
    }
    for (auto& worker : workers) Kick(worker);
  });
}

void WebhookDispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (subscription_ != 0) feed_->store()->Unsubscribe(subscription_);
  pool_.Stop();
}

void WebhookDispatcher::Notify(const std::string& id) {
  std::shared_ptr<Worker> worker;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    auto& slot = workers_[id];
    if (slot == nullptr) {
      slot = std::make_shared<Worker>();
      slot->id = id;
    }
    worker = slot;
  }
  Kick(worker);
}

void WebhookDispatcher::Kick(const std::shared_ptr<Worker>& worker) {
  {
    absl::MutexLock lock(&worker->mu);
    if (worker->deleted) return;
    if (worker->busy) {
      worker->dirty = true;
      return;
    }
    worker->busy = true;
    worker->dirty = false;
  }
  pool_.Post(absl::Now(), [this, worker] { LoadWindow(worker); });
}

void WebhookDispatcher::LoadWindow(const std::shared_ptr<Worker>& worker) {
  auto idle = [&](absl::Duration retry_after) {
    bool again = false;
    {
      absl::MutexLock lock(&worker->mu);
      worker->busy = false;
      again = worker->dirty && !worker->deleted;
    }
    if (again) {
      Kick(worker);
    } else if (retry_after > absl::ZeroDuration()) {
      pool_.Post(absl::Now() + retry_after, [this, worker] { Kick(worker); });
    }
  };
  auto subscription = subscriptions_->Load(worker->id);
  if (absl::IsNotFound(subscription.status())) {
    absl::MutexLock lock(&worker->mu);
    worker->deleted = true;
    worker->busy = false;
    return;
  }
  auto fail = [&](const absl::Status& status) {
    telemetry::Log("error", "webhook worker cannot read its state",
                   {{"subscription", worker->id}, {"error", status.ToString()}});
    idle(absl::Seconds(1));
  };
  if (!subscription.ok()) return fail(subscription.status());
  auto url = ParseWebhookUrl(subscription->target_url(), "target_url");
  if (!url.ok()) return fail(url.status());
  worker->subscription = *subscription;
  worker->url = *url;
  worker->lanes.clear();
  std::map<std::string, int> lane_of;
  auto add = [&](int64_t sequence, v1::FeedChange change) {
    auto [it, fresh] = lane_of.emplace(OrderingKey(change.event()),
                                       static_cast<int>(worker->lanes.size()));
    if (fresh) worker->lanes.emplace_back();
    worker->lanes[it->second].emplace_back(sequence, std::move(change));
  };

  auto replays = subscriptions_->QueuedReplays(worker->id, options_.window);
  if (!replays.ok()) return fail(replays.status());
  worker->replay = !replays->empty();
  if (worker->replay) {
    for (auto& [sequence, change] : *replays) add(sequence, std::move(change));
  } else {
    auto cursor = subscriptions_->DeliveredSequence(worker->id);
    if (!cursor.ok()) return fail(cursor.status());
    auto changes = feed_->Read(*cursor, options_.window);
    if (!changes.ok()) return fail(changes.status());
    if (changes->empty()) return idle(absl::ZeroDuration());  // caught up
    auto done = subscriptions_->DoneAfter(worker->id, *cursor);
    if (!done.ok()) return fail(done.status());
    const v1::EventFilter& f = subscription->filter();
    ChangeFilter filter{{f.services().begin(), f.services().end()},
                        {f.kinds().begin(), f.kinds().end()},
                        {f.actions().begin(), f.actions().end()}};
    for (auto& change : *changes) {
      auto sequence = SequenceOfCursor(change.cursor(), "cursor");
      if (!sequence.ok()) return fail(sequence.status());
      worker->window_end = *sequence;
      if (filter.Matches(change.event()) && !done->count(*sequence)) {
        add(*sequence, std::move(change));
      }
    }
    if (worker->lanes.empty()) {  // nothing for this subscription: just move the cursor
      DeliveryOutcome outcome;
      outcome.subscription_id = worker->id;
      outcome.delivered = true;
      outcome.advance_to = worker->window_end;
      if (absl::Status s = subscriptions_->Record(outcome); !s.ok()) return fail(s);
      pool_.Post(absl::Now(), [this, worker] { LoadWindow(worker); });
      return;
    }
  }
  {
    absl::MutexLock lock(&worker->mu);
    worker->open_lanes = static_cast<int>(worker->lanes.size());
  }
  for (int lane = 0; lane < static_cast<int>(worker->lanes.size()); ++lane) {
    pool_.Post(absl::Now(), [this, worker, lane] { Attempt(worker, lane, 1); });
  }
}

void WebhookDispatcher::Attempt(const std::shared_ptr<Worker>& worker, int lane, int attempt) {
  // A deleted subscription's URL is never called again.
  if (absl::IsNotFound(subscriptions_->Load(worker->id).status())) {
    absl::MutexLock lock(&worker->mu);
    worker->deleted = true;
    return;
  }
  const auto& [sequence, change] = worker->lanes[lane].front();
  std::string body = Body(change);
  int64_t now = absl::ToUnixSeconds(absl::Now());
  std::map<std::string, std::string> headers = {
      {"Content-Type", "application/json"},
      {kSignatureHeader, SignatureHeader(worker->subscription.secret(), now, body)},
      {"Accord-Subscription", worker->subscription.name()},
      {"Accord-Delivery", absl::StrCat(worker->subscription.name(), "/changes/", sequence)},
      {"Accord-Attempt", absl::StrCat(attempt)}};
  auto status = poster_->Post(worker->url, headers, body, options_.timeout);
  if (status.ok() && *status >= 200 && *status < 300) {
    Finish(worker, lane, true, attempt, "");
    return;
  }
  std::string error = status.ok() ? absl::StrCat("receiver answered HTTP ", *status)
                                  : std::string(status.status().message());
  if (attempt >= options_.max_attempts) {
    Finish(worker, lane, false, attempt, error);
    return;
  }
  absl::Duration backoff = options_.first_backoff;
  for (int i = 1; i < attempt && backoff < options_.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, options_.max_backoff);
  pool_.Post(absl::Now() + backoff,
             [this, worker, lane, attempt] { Attempt(worker, lane, attempt + 1); });
}

void WebhookDispatcher::Finish(const std::shared_ptr<Worker>& worker, int lane, bool delivered,
                               int attempts, const std::string& error) {
  auto [sequence, change] = std::move(worker->lanes[lane].front());
  worker->lanes[lane].pop_front();
  bool lane_done = worker->lanes[lane].empty();
  bool window_done = false;
  if (lane_done) {
    absl::MutexLock lock(&worker->mu);
    window_done = --worker->open_lanes == 0;
  }
  DeliveryOutcome outcome;
  outcome.subscription_id = worker->id;
  outcome.change = std::move(change);
  outcome.sequence = sequence;
  outcome.delivered = delivered;
  outcome.attempts = attempts;
  outcome.last_error = error;
  outcome.replay = worker->replay;
  if (window_done && !worker->replay) outcome.advance_to = worker->window_end;
  if (absl::Status s = subscriptions_->Record(outcome); !s.ok()) {
    // Not recorded: it is delivered again after a restart (at least once).
    telemetry::Log("error", "cannot record a webhook outcome",
                   {{"subscription", worker->id}, {"error", s.ToString()}});
  }
  if (!lane_done) {
    pool_.Post(absl::Now(), [this, worker, lane] { Attempt(worker, lane, 1); });
  } else if (window_done) {
    pool_.Post(absl::Now(), [this, worker] { LoadWindow(worker); });
  }
}

}  // namespace accord::integrations
