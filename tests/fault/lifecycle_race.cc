// Scenario 7: the life cycle across crashes. Approved, Major partnerships are closed one
// after another (formal exit) while writers add risks, assessments, evaluations and exit
// strategies to the ones being closed as fast as they can, and a driver kill -9s random
// services (registry, assessment, risk, review) and the gateway. Once the feeds settle:
//   - every partnership is CLOSED, with no open risk, no escalation offered to the corporate
//     register, no due review and no evaluation waiting for a decision;
//   - its tier is the same in the register, the assessment service and the review service;
//   - each reaction happened exactly once: every risk was closed once and its escalation
//     withdrawn once, every evaluation withdrawn at most once, every refused act refused
//     and voided once (none missing, none doubled).
#include <algorithm>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/flows.h"
#include "tests/fault/scenarios.h"
#include "tests/integration/bodies.h"
#include "tests/integration/stack.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;
namespace review = accord::review::v1;

using testing::kExitStrategyBody;
using testing::kRiskBody;

// How many times each resource of a feed moved into a state, by (resource, state name).
using Moves = std::map<std::pair<std::string, std::string>, int>;

}  // namespace

void LifecycleRace(Params& params, Figures& figures) {
  const int64_t partnerships = params.Int("partnerships", 10, 60);
  const int64_t writers_count = params.Int("writers", 3, 3);
  const int64_t min_gap_ms = params.Int("min_gap_ms", 150, 100);
  const int64_t max_gap_ms = params.Int("max_gap_ms", 600, 500);

  FaultStack stack({.integrations = false});
  assessment::Protocol protocol;
  if (!StartForFlows(stack, figures, &protocol)) return;
  const int port = stack.http_port();
  // Approved, then scored Major: their risks are offered to the corporate risk register.
  Flow flow(port, stack.Auth(), &figures, nullptr);
  std::vector<std::string> ids;
  for (int64_t i = 0; i < partnerships; ++i) {
    std::string id = absl::StrCat("lc-", i);
    if (!flow.Approve(id, protocol) ||
        !flow.Call("POST", "/v1/partnerships/" + id + "/assessments",
                   Answers({{4, 5}, {5, 5}, {6, 5}, {7, 5}}, false), id + "-major", "feed-lead") ||
        !flow.Call("POST", "/v1/partnerships/" + id + "/risks", kRiskBody, id + "-first-risk",
                   "feed-lead")) {
      return;
    }
    ids.push_back(id);
  }

  // Writers aim at the partnership being closed and the one closed just before it; every
  // call is retried across kills with its idempotency key until it is answered for good.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> closing{0};
  std::vector<std::thread> threads;
  for (int64_t w = 0; w < writers_count; ++w) {
    threads.emplace_back([&, w] {
      for (int64_t n = 0; !stop.load(); ++n) {
        int64_t target = std::max<int64_t>(0, closing.load() - (n / 4 + w) % 2);
        std::string id = ids[target];
        std::string key = absl::StrCat("w", w, "-", n);
        std::map<std::string, std::string> headers = stack.Auth();
        headers["x-accord-officer"] = "feed-lead";
        headers["idempotency-key"] = key;
        std::string path = "/v1/partnerships/" + id;
        testing::HttpResponse answer;
        std::string what;
        switch ((n + w) % 4) {
          case 0:
            what = "risk";
            answer = RestWithRetry(port, "POST", path + "/risks", kRiskBody, headers,
                                   std::chrono::seconds(60), &stop);
            break;
          case 1:
            what = "assessment";
            answer = RestWithRetry(
                port, "POST", path + "/assessments",
                Answers({{4, static_cast<int>(n % 5) + 1}, {5, 5}, {6, 5}, {7, 5}}, false), headers,
                std::chrono::seconds(60), &stop);
            break;
          case 2:
            what = "evaluation";
            answer = RestWithRetry(port, "POST", path + "/evaluations", "{}", headers,
                                   std::chrono::seconds(60), &stop);
            break;
          default:
            what = "exit_strategy";
            answer = RestWithRetry(port, "PATCH", path + "/exitStrategy", kExitStrategyBody,
                                   headers, std::chrono::seconds(60), &stop);
        }
        if (answer.status == 200) {
          figures.Count("accepted_" + what);
        } else if (answer.status == 400 && absl::StrContains(answer.body, "PARTNERSHIP_")) {
          figures.Count("refused_" + what);
        } else if (!stop.load()) {
          figures.Fail(
              absl::StrCat(what, " on ", id, ": ", answer.status, " ", answer.body.substr(0, 300)));
        }
      }
    });
  }
  // The closer, and between closes a kill -9 of a random process.
  std::vector<std::string> targets = {"registry", "assessment", "risk", "review", "gateway"};
  int64_t kills = 0;
  for (int64_t i = 0; i < partnerships; ++i) {
    closing = i;
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(min_gap_ms, max_gap_ms)));
    const std::string& victim = targets[Uniform(0, targets.size() - 1)];
    stack.Kill(victim);
    ++kills;
    figures.Count("kills_" + victim);
    if (!stack.StartProcess(victim)) {
      figures.Fail(absl::StrCat("restart of ", victim, ": ", stack.error().substr(0, 400)));
      break;
    }
    std::map<std::string, std::string> headers = stack.Auth();
    headers["x-accord-officer"] = "feed-head";
    testing::HttpResponse exited = RestWithRetry(
        port, "POST", absl::StrCat("/v1/partnerships/", ids[i], "/exit?requestId=exit-", i),
        R"({"exitDate":"2026-11-30","residualLiabilities":"none","reason":"objectives met"})",
        headers, std::chrono::seconds(90));
    if (exited.status != 200) {
      figures.Fail(
          absl::StrCat("exit of ", ids[i], ": ", exited.status, " ", exited.body.substr(0, 300)));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& t : threads) t.join();
  figures.Set("partnerships_closed", partnerships);
  figures.Set("kills", kills);

  std::vector<std::string> dirs;
  for (const std::string& service : stack.services()) dirs.push_back(stack.data_dir(service));
  if (!testing::WaitUntilFeedsSettled(dirs, 120000)) {
    figures.Fail("the feeds did not settle within 120 s");
    return;
  }

  // What is left of the closed partnerships, read back through the gateway.
  int64_t not_closed = 0, open_risks = 0, offered = 0, due = 0, undecided = 0, disagree = 0;
  std::map<std::string, std::string> auth = stack.Auth();
  for (const std::string& id : ids) {
    std::string path = "/v1/partnerships/" + id;
    registry::Partnership p;
    FromJson(RestWithRetry(port, "GET", path, "", auth, std::chrono::seconds(20)).body, &p);
    not_closed += p.state() != registry::CLOSED;
    risk::ListRisksResponse risks;
    FromJson(RestWithRetry(port, "GET", path + "/risks?pageSize=1000", "", auth,
                           std::chrono::seconds(20))
                 .body,
             &risks);
    for (const auto& r : risks.risks()) {
      open_risks += r.state() == risk::Risk::OPEN;
      offered += r.escalation().state() == risk::Escalation::PENDING;
    }
    review::Schedule schedule;
    FromJson(
        RestWithRetry(port, "GET", path + "/schedule", "", auth, std::chrono::seconds(20)).body,
        &schedule);
    due += schedule.items_size();
    assessment::ListEvaluationsResponse evaluations;
    FromJson(RestWithRetry(port, "GET", path + "/evaluations?pageSize=1000", "", auth,
                           std::chrono::seconds(20))
                 .body,
             &evaluations);
    for (const auto& e : evaluations.evaluations()) {
      undecided += e.state() == assessment::Evaluation::DRAFT ||
                   e.state() == assessment::Evaluation::SUBMITTED;
    }
    assessment::ListAssessmentsResponse assessments;
    FromJson(RestWithRetry(port, "GET", path + "/assessments?pageSize=1000", "", auth,
                           std::chrono::seconds(20))
                 .body,
             &assessments);
    int latest = 0;
    for (const auto& a : assessments.assessments()) {  // newest first
      if (a.void_reason().empty()) {
        latest = a.final_tier();
        break;
      }
    }
    if (latest != static_cast<int>(p.tier()) ||
        static_cast<int>(schedule.tier()) != static_cast<int>(p.tier())) {
      ++disagree;
      figures.Fail(absl::StrCat(id, ": register tier ", p.tier(), ", assessment ", latest,
                                ", review ", schedule.tier()));
    }
  }
  figures.Set("not_closed", not_closed);
  figures.Set("open_risks_left", open_risks);
  figures.Set("escalations_still_offered", offered);
  figures.Set("due_items_left", due);
  figures.Set("evaluations_waiting", undecided);
  figures.Set("tier_disagreements", disagree);
  if (not_closed) figures.Fail(absl::StrCat(not_closed, " partnerships not CLOSED"));
  if (open_risks) figures.Fail(absl::StrCat(open_risks, " risks of closed partnerships open"));
  if (offered) figures.Fail(absl::StrCat(offered, " escalations of closed partnerships offered"));
  if (due) figures.Fail(absl::StrCat(due, " due items of closed partnerships"));
  if (undecided) figures.Fail(absl::StrCat(undecided, " evaluations still waiting"));

  // Exactly once: each move into a final state appears once per record in its own feed.
  bool ok_risk = false, ok_assessment = false, ok_registry = false;
  auto risk_stub = risk::RiskService::NewStub(Channel(stack.port("risk")));
  auto assessment_stub = assessment::AssessmentService::NewStub(Channel(stack.port("assessment")));
  auto registry_stub = registry::RegistryService::NewStub(Channel(stack.port("registry")));
  std::vector<events::v1::Event> risk_events = ReadFeed(*risk_stub, &ok_risk);
  std::vector<events::v1::Event> assessment_events = ReadFeed(*assessment_stub, &ok_assessment);
  std::vector<events::v1::Event> registry_events = ReadFeed(*registry_stub, &ok_registry);
  if (!ok_risk || !ok_assessment || !ok_registry) {
    figures.Fail("cannot read the feeds back");
    return;
  }
  Moves risk_moves, evaluation_moves, refusals, voids;
  std::map<std::string, risk::Risk> last_risk;
  for (const auto& e : risk_events) {
    risk::Risk r;
    if (!e.resource().UnpackTo(&r) || r.name().empty()) continue;
    auto before = last_risk.find(r.name());
    bool was_open = before == last_risk.end() || before->second.state() == risk::Risk::OPEN;
    auto was = before == last_risk.end() ? risk::Escalation::STATE_UNSPECIFIED
                                         : before->second.escalation().state();
    if (was_open && r.state() == risk::Risk::CLOSED) ++risk_moves[{r.name(), "CLOSED"}];
    if (was != risk::Escalation::WITHDRAWN &&
        r.escalation().state() == risk::Escalation::WITHDRAWN) {
      ++risk_moves[{r.name(), "WITHDRAWN"}];
    }
    last_risk[r.name()] = r;
  }
  for (const auto& e : assessment_events) {
    if (e.action() == "evaluation_withdrawn") ++evaluation_moves[{e.resource_name(), "WITHDRAWN"}];
    if (absl::EndsWith(e.action(), "_voided")) ++voids[{e.resource_name(), e.action()}];
  }
  for (const auto& e : registry_events) {
    if (absl::StartsWith(e.action(), "refused:")) ++refusals[{e.resource_name(), e.action()}];
  }
  int64_t doubled = 0, risks_closed = 0, withdrawn = 0, never_closed = 0;
  for (const auto& [key, times] : risk_moves) {
    doubled += times > 1;
    (key.second == "CLOSED" ? risks_closed : withdrawn) += 1;
  }
  for (const auto& [name, r] : last_risk) {
    never_closed += !risk_moves.count({name, "CLOSED"});
  }
  for (const Moves* moves : {&evaluation_moves, &refusals, &voids}) {
    for (const auto& [key, times] : *moves) doubled += times > 1;
  }
  // Every refusal by the register was voided by the assessment service, once.
  int64_t refusals_unvoided = 0;
  for (const auto& [key, times] : refusals) {
    bool found = false;
    for (const auto& [vkey, vtimes] : voids) found = found || vkey.first == key.first;
    for (const auto& [ekey, etimes] : evaluation_moves) found = found || ekey.first == key.first;
    refusals_unvoided += !found;
  }
  figures.Set("risks_closed_once", risks_closed);
  figures.Set("escalations_withdrawn_once", withdrawn);
  figures.Set("evaluations_withdrawn", static_cast<int64_t>(evaluation_moves.size()));
  figures.Set("acts_refused_by_the_register", static_cast<int64_t>(refusals.size()));
  figures.Set("records_voided", static_cast<int64_t>(voids.size()));
  figures.Set("reactions_doubled", doubled);
  figures.Set("risks_never_closed", never_closed);
  figures.Set("refusals_not_voided", refusals_unvoided);
  if (doubled) figures.Fail(absl::StrCat(doubled, " reactions happened more than once"));
  if (never_closed) figures.Fail(absl::StrCat(never_closed, " risks were never closed"));
  if (refusals_unvoided) {
    figures.Fail(absl::StrCat(refusals_unvoided, " refusals by the register were not voided"));
  }
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
