// Scenario 2: change feeds across crashes. Workers take partnerships through the whole
// approval (create, screen, score, evaluation, sign-off) and, for others, record a risk
// and re-score the partnership Major, all through the gateway, while a driver kill -9s
// random producers and consumers (registry, assessment, risk, review, integrations, gateway).
// Then every consumer must have applied every event exactly once:
//   - the register moved each approved partnership into each state exactly once;
//   - the review service scheduled each approved partnership exactly once;
//   - the risk service offered each risk of a Major partnership for escalation exactly once;
//   - the integrations service's merged feed holds each service's events 1..N, each once,
//     in order;
//   - a webhook subscription's receiver got every change after its start, each under one
//     delivery id (a redelivery after a crash repeats the id and body), none dead-lettered.
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/integrations/v1/integrations_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/flows.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;
namespace review = accord::review::v1;
namespace integrations = accord::integrations::v1;

// Every change of the integrations service's merged feed after `cursor`, read page by
// page; `*ok` false on error.
std::vector<integrations::FeedChange> ReadMergedFeed(integrations::IntegrationsService::Stub& stub,
                                                     std::string cursor, bool* ok) {
  std::vector<integrations::FeedChange> all;
  *ok = true;
  while (true) {
    integrations::ListChangesRequest request;
    request.set_cursor(cursor);
    request.set_page_size(500);
    integrations::ListChangesResponse response;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!stub.ListChanges(&ctx, request, &response).ok()) {
      *ok = false;
      return all;
    }
    if (response.changes().empty()) return all;
    for (const auto& c : response.changes()) all.push_back(c);
    cursor = response.next_cursor();
  }
}

// Every change of the merged feed after the subscription's start reached the receiver
// (at least once: a redelivery after a crash carries the same Accord-Delivery id and the
// same body, so the receiver applies it once), nothing else did, and nothing was
// dead-lettered.
void CheckWebhookDeliveries(integrations::IntegrationsService::Stub& stub,
                            const integrations::Subscription& subscription,
                            const WebhookReceiver& receiver, Figures& figures) {
  bool read_ok = false;
  std::vector<integrations::FeedChange> changes =
      ReadMergedFeed(stub, subscription.start_cursor(), &read_ok);
  if (!read_ok) {
    figures.Fail("cannot read the merged feed for the webhook check");
    return;
  }
  std::set<std::pair<std::string, int64_t>> expected;
  for (const auto& c : changes) expected.insert({c.event().service(), c.event().sequence()});
  std::map<std::string, std::string> body_of;  // delivery id → first body
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> ids_of;  // change → ids
  int64_t deliveries = 0, changed_on_redelivery = 0, unreadable = 0;
  auto collect = [&] {
    body_of.clear();
    ids_of.clear();
    changed_on_redelivery = unreadable = 0;
    std::vector<WebhookReceiver::Delivery> all = receiver.deliveries();
    deliveries = static_cast<int64_t>(all.size());
    for (const auto& d : all) {
      integrations::FeedChange change;
      if (d.id.empty() || !FromJson(d.body, &change)) {
        ++unreadable;
        continue;
      }
      auto [it, first] = body_of.emplace(d.id, d.body);
      if (!first && it->second != d.body) ++changed_on_redelivery;
      ids_of[{change.event().service(), change.event().sequence()}].insert(d.id);
    }
  };
  auto begin = std::chrono::steady_clock::now();
  auto all_delivered = [&] {
    for (const auto& change : expected) {
      if (!ids_of.count(change)) return false;
    }
    return true;
  };
  for (collect(); !all_delivered() && SecondsSince(begin) < 120; collect()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  int64_t lost = 0, unexpected = 0, ids_per_change_over_one = 0;
  for (const auto& change : expected) {
    if (!ids_of.count(change)) ++lost;
  }
  for (const auto& [change, ids] : ids_of) {
    if (!expected.count(change)) ++unexpected;
    if (ids.size() > 1) ++ids_per_change_over_one;
  }
  figures.Set("webhook_changes_expected", static_cast<int64_t>(expected.size()));
  figures.Set("webhook_posts_received", deliveries);
  figures.Set("webhook_changes_delivered", static_cast<int64_t>(ids_of.size()));
  figures.Set("webhook_lost", lost);
  figures.Set("webhook_redeliveries_same_id", deliveries - unreadable -
                                                   static_cast<int64_t>(body_of.size()));
  figures.Set("webhook_changes_under_two_ids", ids_per_change_over_one);
  figures.Set("webhook_redeliveries_with_other_body", changed_on_redelivery);
  if (lost > 0) figures.Fail(absl::StrCat(lost, " changes never reached the webhook"));
  if (unexpected > 0) figures.Fail(absl::StrCat(unexpected, " webhook posts for no feed change"));
  if (unreadable > 0) figures.Fail(absl::StrCat(unreadable, " webhook posts unreadable or unnamed"));
  if (ids_per_change_over_one > 0) {
    figures.Fail(absl::StrCat(ids_per_change_over_one,
                              " changes delivered under two delivery ids (applied twice)"));
  }
  if (changed_on_redelivery > 0) {
    figures.Fail(absl::StrCat(changed_on_redelivery, " redeliveries with a different body"));
  }
  integrations::GetSubscriptionRequest get;
  get.set_name(subscription.name());
  integrations::Subscription now;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (stub.GetSubscription(&ctx, get, &now).ok()) {
    figures.Set("webhook_dead_letters", now.dead_letter_count());
    if (now.dead_letter_count() > 0) figures.Fail("webhook changes were dead-lettered");
  } else {
    figures.Fail("cannot read the subscription back");
  }
}

}  // namespace

void ChangeFeeds(Params& params, Figures& figures) {
  const int64_t approvals = params.Int("approvals", 24, 240);
  const int64_t escalations = params.Int("escalations", 12, 120);
  const int64_t workers = params.Int("workers", 3, 3);
  const int64_t min_gap_ms = params.Int("min_gap_ms", 100, 100);
  const int64_t max_gap_ms = params.Int("max_gap_ms", 500, 500);
  // The driver goes on killing (consumers catching up) until it has done this many.
  const int64_t min_cycles = params.Int("min_cycles", 12, 300);

  FaultStack stack({});
  assessment::Protocol protocol;
  if (!StartForFlows(stack, figures, &protocol)) return;
  const int port = stack.http_port();

  // A client system's webhook, delivered while the integrations service is killed too. The
  // receiver answers after 10 ms, so some kills land between a POST and its recorded
  // outcome and the redelivery path is exercised.
  WebhookReceiver receiver(std::chrono::milliseconds(10));
  integrations::Subscription subscription;
  testing::HttpResponse subscribed = RestWithRetry(
      port, "POST", "/v1/subscriptions?requestId=fault-feeds-hook",
      absl::StrCat(R"({"clientSystem":"fault-suite","targetUrl":"http://127.0.0.1:)",
                   receiver.port(), R"(/hook"})"),
      stack.Auth(), std::chrono::seconds(20));
  if (subscribed.status != 200 || !FromJson(subscribed.body, &subscription)) {
    figures.Fail("no webhook subscription: " + subscribed.body.substr(0, 300));
    return;
  }

  std::atomic<bool> done{false};
  std::atomic<int64_t> next{0};
  std::mutex mu;
  std::vector<std::string> approved;
  std::vector<std::string> risks;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      Flow flow(port, stack.Auth(), &figures, nullptr);
      for (int64_t i = next++; i < approvals + escalations; i = next++) {
        if (i < approvals) {
          std::string id = absl::StrCat("fa-", i);
          if (flow.Approve(id, protocol)) {
            std::lock_guard<std::mutex> lock(mu);
            approved.push_back(id);
          }
        } else {
          std::string id = absl::StrCat("fr-", i);
          if (auto name = flow.Escalate(id)) {
            std::lock_guard<std::mutex> lock(mu);
            risks.push_back(*name);
          }
        }
      }
    });
  }
  std::thread finisher([&] {
    for (auto& t : threads) t.join();
    done = true;
  });
  std::vector<std::string> targets = stack.names();
  std::map<std::string, int64_t> kills;
  int64_t cycles = 0, failed_reopens = 0, kills_during_flows = 0;
  while (!done || cycles < min_cycles) {
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(min_gap_ms, max_gap_ms)));
    if (done && cycles >= min_cycles) break;
    const std::string& target = targets[Uniform(0, targets.size() - 1)];
    stack.Kill(target);
    ++kills[target];
    ++cycles;
    if (!done) ++kills_during_flows;
    if (!stack.StartProcess(target)) {
      ++failed_reopens;
      figures.Fail(absl::StrCat("restart of ", target, ": ", stack.error().substr(0, 400)));
      if (!stack.StartProcess(target)) break;
    }
  }
  finisher.join();

  // Let the consumers catch up, then read every feed.
  auto registry_stub = registry::RegistryService::NewStub(Channel(stack.port("registry")));
  auto assessment_stub = assessment::AssessmentService::NewStub(Channel(stack.port("assessment")));
  auto risk_stub = risk::RiskService::NewStub(Channel(stack.port("risk")));
  auto review_stub = review::ReviewService::NewStub(Channel(stack.port("review")));
  auto integrations_stub =
      integrations::IntegrationsService::NewStub(Channel(stack.port("integrations")));

  std::map<std::string, int64_t> latest;  // service → last sequence of its own feed
  std::map<std::string, std::map<int64_t, int>> merged;  // service → sequence → times
  int64_t merged_changes = 0, out_of_order = 0;
  std::map<std::string, int> scheduled, offered;
  std::map<std::string, std::string> schedule_events;  // partnership → its schedule events
  std::map<std::pair<std::string, int>, int> state_changes;  // (partnership, state) → times
  auto settle_start = std::chrono::steady_clock::now();
  auto converged_by = settle_start + std::chrono::seconds(90);
  bool converged = false;
  while (!converged && std::chrono::steady_clock::now() < converged_by) {
    bool ok = true, one_ok;
    latest.clear();
    state_changes.clear();
    scheduled.clear();
    schedule_events.clear();
    offered.clear();
    auto registry_events = ReadFeed(*registry_stub, &one_ok);
    ok &= one_ok;
    for (const auto& e : registry_events) {
      if (e.kind() != events::v1::STATE_CHANGED) continue;
      registry::Partnership p;
      if (e.resource().UnpackTo(&p)) ++state_changes[{p.name(), p.state()}];
    }
    latest["registry"] = registry_events.empty() ? 0 : registry_events.back().sequence();
    auto assessment_events = ReadFeed(*assessment_stub, &one_ok);
    ok &= one_ok;
    latest["assessment"] = assessment_events.empty() ? 0 : assessment_events.back().sequence();
    auto risk_events = ReadFeed(*risk_stub, &one_ok);
    ok &= one_ok;
    for (const auto& e : risk_events) {
      if (e.action() == "escalation_offered") ++offered[e.resource_name()];
    }
    latest["risk"] = risk_events.empty() ? 0 : risk_events.back().sequence();
    auto review_events = ReadFeed(*review_stub, &one_ok);
    ok &= one_ok;
    for (const auto& e : review_events) {
      // The schedule is "partnerships/{id}/schedule".
      std::string name = e.resource_name();
      if (absl::EndsWith(name, "/schedule")) name.resize(name.size() - 9);
      if (e.action() == "rescheduled") {
        ++scheduled[name];
        // What each schedule event said, to tell a re-applied event from a real change.
        review::Schedule schedule;
        e.resource().UnpackTo(&schedule);
        std::string items;
        for (const auto& item : schedule.items()) absl::StrAppend(&items, item.due_date(), " ");
        absl::StrAppend(&schedule_events[name], "[seq ", e.sequence(), " state ",
                        schedule.state(), " tier ", schedule.tier(), " approved ",
                        schedule.approval_date(), " due ", items, "] ");
      }
    }
    latest["review"] = review_events.empty() ? 0 : review_events.back().sequence();

    merged.clear();
    merged_changes = 0;
    out_of_order = 0;
    std::map<std::string, int64_t> last_seen;
    if (ok) {
      for (const auto& c : ReadMergedFeed(*integrations_stub, "", &ok)) {
        ++merged_changes;
        const std::string& service = c.event().service();
        ++merged[service][c.event().sequence()];
        if (c.event().sequence() <= last_seen[service]) ++out_of_order;
        last_seen[service] = c.event().sequence();
      }
    }
    converged = ok;
    for (const auto& [service, last] : latest) {
      if (static_cast<int64_t>(merged[service].size()) != last) converged = false;
    }
    for (const std::string& id : approved) {
      if (scheduled["partnerships/" + id] == 0 ||
          state_changes[{"partnerships/" + id, registry::ACTIVE}] == 0) {
        converged = false;
      }
    }
    for (const std::string& name : risks) {
      if (offered[name] == 0) converged = false;
    }
    if (!converged) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }

  figures.Set("seconds_until_consumers_caught_up", static_cast<int64_t>(SecondsSince(settle_start)));
  CheckWebhookDeliveries(*integrations_stub, subscription, receiver, figures);
  int64_t lost = 0, duplicates = 0, gaps = 0;
  for (const std::string& id : approved) {
    const std::string name = "partnerships/" + id;
    for (registry::State state : {registry::SCREENED, registry::ASSESSED,
                                  registry::AWAITING_APPROVAL, registry::ACTIVE}) {
      int times = state_changes[{name, state}];
      if (times == 0) {
        ++lost;
        figures.Fail(absl::StrCat(name, " never moved to ", registry::State_Name(state)));
      } else if (times > 1) {
        duplicates += times - 1;
        figures.Fail(absl::StrCat(name, " moved to ", registry::State_Name(state), " ", times,
                                  " times"));
      }
    }
    int times = scheduled[name];
    if (times != 1) {
      (times == 0 ? lost : duplicates) += times == 0 ? 1 : times - 1;
      figures.Fail(absl::StrCat(name, " scheduled ", times, " times by the review service: ",
                                schedule_events[name]));
    }
  }
  for (const std::string& name : risks) {
    int times = offered[name];
    if (times != 1) {
      (times == 0 ? lost : duplicates) += times == 0 ? 1 : times - 1;
      figures.Fail(absl::StrCat(name, " offered for escalation ", times, " times"));
    }
  }
  for (const auto& [service, last] : latest) {
    for (int64_t sequence = 1; sequence <= last; ++sequence) {
      int times = merged[service][sequence];
      if (times == 0) ++gaps;
      if (times > 1) duplicates += times - 1;
    }
    if (gaps > 0) figures.Fail(absl::StrCat("merged feed misses events of ", service));
  }
  for (const auto& [service, sequences] : merged) {
    if (!latest.count(service) && service != "integrations") {
      figures.Note("merged feed carries service " + service + " not checked here");
    }
  }
  if (out_of_order > 0) figures.Fail(absl::StrCat(out_of_order, " merged changes out of order"));
  if (duplicates > 0) figures.Fail(absl::StrCat(duplicates, " events applied twice"));
  if (static_cast<int64_t>(approved.size()) != approvals ||
      static_cast<int64_t>(risks.size()) != escalations) {
    figures.Fail("not every flow finished");
  }
  figures.Set("kill_cycles", cycles);
  figures.Set("kills_while_flows_ran", kills_during_flows);
  std::string per_target;
  for (const auto& [name, count] : kills) absl::StrAppend(&per_target, name, ":", count, " ");
  figures.Set("kills_per_process", per_target);
  figures.Set("failed_reopens", failed_reopens);
  figures.Set("partnerships_approved", approved.size());
  figures.Set("risks_escalated", risks.size());
  std::string feeds;
  for (const auto& [service, last] : latest) absl::StrAppend(&feeds, service, ":", last, " ");
  figures.Set("feed_events", feeds);
  figures.Set("merged_feed_changes", merged_changes);
  figures.Set("lost", lost);
  figures.Set("merged_gaps", gaps);
  figures.Set("duplicates", duplicates);
  figures.Set("out_of_order", out_of_order);
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
