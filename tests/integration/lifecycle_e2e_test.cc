// One truth about a partnership across every service, through the gateway and the real
// processes (ARCHITECTURE.md decision 9):
//  - the matrix: a partnership in every state x every act; each act is refused exactly
//    where the life-cycle policy forbids it (400 FAILED_PRECONDITION with the reason), and
//    a refusal writes nothing in any service;
//  - the race: while partnerships are closed, risks, assessments and evaluations are added
//    to them as fast as possible; once the feeds settle, nothing of a closed partnership is
//    left open, pending or due, and the tiers agree everywhere.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.pb.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/review/v1/review_service.pb.h"
#include "accord/risk/v1/risk_service.pb.h"
#include "common/api/errors.h"
#include "common/lifecycle/lifecycle.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/bodies.h"
#include "tests/integration/http_client.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;
namespace review = accord::review::v1;
using lifecycle::Act;
using registry::State;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  (void)google::protobuf::util::JsonStringToMessage(json, &message, options);
  return message;
}

// The ErrorInfo reason of an error answer, or "" for none.
std::string ReasonOf(const HttpResponse& response) {
  auto body = FromJson<google::protobuf::Struct>(response.body);
  if (!body.fields().count("error")) return "";
  const auto& details = body.fields().at("error").struct_value().fields();
  if (!details.count("details")) return "";
  for (const auto& detail : details.at("details").list_value().values()) {
    const auto& fields = detail.struct_value().fields();
    if (fields.count("reason")) return fields.at("reason").string_value();
  }
  return "";
}

// The reasons a life-cycle refusal carries.
bool IsLifecycleRefusal(const HttpResponse& response) {
  static const std::set<std::string> reasons = {
      "PARTNERSHIP_CLOSED",       "PARTNERSHIP_SCREENED_OUT", "PARTNERSHIP_REJECTED",
      "PARTNERSHIP_NOT_SCREENED", "PARTNERSHIP_NOT_ASSESSED", "PARTNERSHIP_NOT_SUBMITTED",
      "PARTNERSHIP_NOT_APPROVED", "PARTNERSHIP_EXITING",      "ACT_NOT_ALLOWED"};
  return reasons.count(ReasonOf(response)) > 0;
}

constexpr char kLimited[] = R"({"answers":[{"question":4,"score":1},{"question":5,"score":1},
  {"question":6,"score":1},{"question":7,"score":1}]})";
constexpr char kMajor[] = R"({"answers":[{"question":4,"score":5},{"question":5,"score":5},
  {"question":6,"score":5},{"question":7,"score":5}]})";
constexpr const char* kRisk = kRiskBody;
constexpr const char* kExitStrategy = kExitStrategyBody;
constexpr char kService[] = "Leisure";

class LifecycleEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Stack::Options options;
    options.review = true;
    stack_ = new Stack(options);
    if (!stack_->ok()) return;
    // The keeper and the Chief Executive act council-wide; the Head of Service for Leisure.
    ok_ = stack_->EnsureOfficer("keeper", "REGISTER_KEEPER", "Governance") &&
          stack_->EnsureOfficer("ceo", "CHIEF_EXECUTIVE", "Chief Executive's Office") &&
          stack_->EnsureOfficer("hos", "HEAD_OF_SERVICE", kService) &&
          stack_->EnsureOfficer("lead", "LEAD_OFFICER", kService);
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(stack_->StopGracefully());
    delete stack_;
  }
  void SetUp() override {
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    ASSERT_TRUE(ok_) << "could not put the officers in the directory";
  }

  static HttpResponse Rest(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& officer = "lead") {
    auto headers = stack_->Auth();
    if (!officer.empty()) headers.emplace("x-accord-officer", officer);
    return HttpCall(stack_->gateway_http_port(), method, target, body, headers);
  }

  static std::string Path(const std::string& id) { return "/v1/partnerships/" + id; }

  // A Limited registration for `id` created, filled and submitted; its name.
  static std::string SubmitEvaluation(const std::string& id) {
    HttpResponse created = Rest("POST", Path(id) + "/evaluations", "{}");
    EXPECT_EQ(created.status, 200) << id << ": " << created.body;
    auto evaluation = FromJson<assessment::Evaluation>(created.body);
    auto protocol = FromJson<assessment::Protocol>(Rest("GET", "/v1/protocols/bolsover").body);
    std::string body = CompleteEvaluationBody(protocol);
    HttpResponse filled = Rest(
        "PATCH", "/v1/" + evaluation.name() + "?updateMask=sections,governanceChecklist", body);
    EXPECT_EQ(filled.status, 200) << id << ": " << filled.body;
    HttpResponse submitted = Rest("POST", "/v1/" + evaluation.name() + ":submit", "{}");
    EXPECT_EQ(submitted.status, 200) << id << ": " << submitted.body;
    return evaluation.name();
  }

  // Takes each partnership to its state through the real services, a stage at a time.
  static void Prepare(const std::map<std::string, State>& targets) {
    auto beyond = [](State target, std::initializer_list<State> states) {
      for (State s : states) {
        if (s == target) return true;
      }
      return false;
    };
    const auto kAssessed = {registry::ASSESSED,     registry::AWAITING_APPROVAL, registry::ACTIVE,
                            registry::UNDER_REVIEW, registry::EXITING,           registry::CLOSED,
                            registry::REJECTED};
    const auto kSubmitted = {registry::AWAITING_APPROVAL, registry::ACTIVE, registry::UNDER_REVIEW,
                             registry::EXITING,           registry::CLOSED, registry::REJECTED};
    const auto kApproved = {registry::ACTIVE, registry::UNDER_REVIEW, registry::EXITING,
                            registry::CLOSED};
    std::map<std::string, std::string> evaluations;
    for (const auto& [id, target] : targets) {
      ASSERT_EQ(
          Rest("POST", "/v1/partnerships?partnershipId=" + id,
               absl::StrCat(R"({"displayName":")", id, R"(","leadService":")", kService, R"("})"))
              .status,
          200);
      if (target == registry::PROPOSED) continue;
      bool out = target == registry::SCREENED_OUT;
      ASSERT_EQ(Rest("POST", Path(id) + "/screenings",
                     absl::StrCat(R"({"outcome":")", out ? "NOT_A_PARTNERSHIP" : "IS_PARTNERSHIP",
                                  R"(","justification":"matrix"})"))
                    .status,
                200);
      if (!beyond(target, kAssessed)) continue;
      ASSERT_EQ(Rest("POST", Path(id) + "/assessments", kLimited).status, 200);
      if (!beyond(target, kSubmitted)) continue;
      evaluations[id] = SubmitEvaluation(id);
      if (target == registry::REJECTED) {
        HttpResponse rejected = Rest("POST", "/v1/" + evaluations[id] + ":reject",
                                     R"({"reason":"no business case"})", "hos");
        ASSERT_EQ(rejected.status, 200) << rejected.body;
      } else if (beyond(target, kApproved)) {
        HttpResponse signed_off = Rest("POST", "/v1/" + evaluations[id] + ":signOff",
                                       R"({"role":"HEAD_OF_SERVICE"})", "hos");
        ASSERT_EQ(signed_off.status, 200) << signed_off.body;
      }
    }
    ASSERT_TRUE(stack_->WaitUntilSettled());
    // The register keeper's own moves.
    for (const auto& [id, target] : targets) {
      State first = target == registry::UNDER_REVIEW                        ? registry::UNDER_REVIEW
                    : beyond(target, {registry::EXITING, registry::CLOSED}) ? registry::EXITING
                                                                            : registry::ACTIVE;
      if (first == registry::ACTIVE) continue;
      HttpResponse moved = Rest(
          "POST", Path(id) + ":transition",
          absl::StrCat(R"({"state":")", registry::State_Name(first), R"(","reason":"matrix"})"),
          "keeper");
      ASSERT_EQ(moved.status, 200) << id << ": " << moved.body;
      if (target == registry::CLOSED) {
        HttpResponse closed = Rest("POST", Path(id) + ":transition",
                                   R"({"state":"CLOSED","reason":"matrix"})", "keeper");
        ASSERT_EQ(closed.status, 200) << id << ": " << closed.body;
      }
    }
    ASSERT_TRUE(stack_->WaitUntilSettled());
    for (const auto& [id, target] : targets) {
      auto p = FromJson<registry::Partnership>(Rest("GET", Path(id)).body);
      ASSERT_EQ(p.state(), target) << id;
    }
  }

  // `act` on partnership `id` as its officer would do it.
  static HttpResponse Do(Act act, const std::string& id) {
    auto first = [&](const std::string& collection, const std::string& field) {
      auto list = FromJson<google::protobuf::Struct>(Rest("GET", Path(id) + "/" + collection).body);
      if (list.fields().count(field) && list.fields().at(field).list_value().values_size() > 0) {
        return list.fields()
            .at(field)
            .list_value()
            .values(0)
            .struct_value()
            .fields()
            .at("name")
            .string_value();
      }
      return absl::StrCat("partnerships/", id, "/", collection, "/none");
    };
    switch (act) {
      case Act::kEditRecord:
        return Rest("PATCH", Path(id) + "?updateMask=remit", R"({"remit":"changed"})");
      case Act::kScreen:
        return Rest("POST", Path(id) + "/screenings",
                    R"({"outcome":"IS_PARTNERSHIP","justification":"again"})");
      case Act::kAssess:
        return Rest("POST", Path(id) + "/assessments", kLimited);
      case Act::kModerate:
        return Rest("POST", "/v1/" + first("assessments", "assessments") + ":moderate",
                    R"({"tier":"MODERATE","reason":"disputed score"})", "ceo");
      case Act::kEvaluate:
        return Rest("POST", Path(id) + "/evaluations", "{}");
      case Act::kSubmit:
        return Rest("POST", "/v1/" + first("evaluations", "evaluations") + ":submit", "{}");
      case Act::kSignOff:
        return Rest("POST", "/v1/" + first("evaluations", "evaluations") + ":signOff",
                    R"({"role":"HEAD_OF_SERVICE"})", "hos");
      case Act::kRecordRisk:
        return Rest("POST", Path(id) + "/risks", kRisk);
      case Act::kReview:
        return Rest("POST", Path(id) + "/reviews",
                    R"({"type":"SERVICE_PLAN_REVIEW","periodStart":"2026-01-01",
                        "periodEnd":"2026-11-30","onBudget":true,"recommendation":"CONTINUE",
                        "partnersStrength":"Stable","performance":[{"measure":"Visits",
                        "target":"1000","actual":"1100","rating":"GREEN"}]})");
      case Act::kExitStrategy:
        return Rest("PATCH", Path(id) + "/exitStrategy", kExitStrategy);
      case Act::kExit:
        return Rest("POST", Path(id) + "/exit",
                    R"({"exitDate":"2026-11-30","residualLiabilities":"none",
                        "reason":"objectives met"})",
                    "hos");
      case Act::kNote:
        return Rest("POST", Path(id) + ":addMeetingNote",
                    R"({"note":{"meetingDate":"2026-11-01","text":"Board met"}})");
      case Act::kFinance:
        return Rest("POST", Path(id) + ":recordFinancialYear",
                    R"({"financialYear":{"startYear":2026,"committedContributionPence":"1000"}})");
    }
    return {};
  }

  static Stack* stack_;
  static bool ok_;
};

Stack* LifecycleEndToEnd::stack_ = nullptr;
bool LifecycleEndToEnd::ok_ = false;

std::string CellId(State state, Act act) {
  std::string id = absl::StrCat("m-", registry::State_Name(state), "-", static_cast<int>(act));
  for (char& c : id) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return id;
}

TEST_F(LifecycleEndToEnd, EveryStateRefusesExactlyTheActsThePolicyForbidsAndWritesNothing) {
  // A partnership of its own for every cell, so that an act that moves it moves no other.
  std::map<std::string, State> targets;
  for (State state : lifecycle::AllStates()) {
    for (Act act : lifecycle::AllActs()) targets[CellId(state, act)] = state;
  }
  ASSERT_NO_FATAL_FAILURE(Prepare(targets));

  // Refusals first, on a quiet stack: each is 400 with the policy's reason, and no service
  // writes anything (every feed's latest sequence stays where it was).
  int refused = 0, allowed = 0;
  const std::map<std::string, int64_t> quiet = stack_->LatestSequences();
  ASSERT_EQ(quiet.size(), 4u);
  for (State state : lifecycle::AllStates()) {
    for (Act act : lifecycle::AllActs()) {
      if (lifecycle::Allows(state, act)) continue;
      ++refused;
      HttpResponse answer = Do(act, CellId(state, act));
      std::string cell = absl::StrCat(registry::State_Name(state), " x ", lifecycle::ActName(act));
      EXPECT_EQ(answer.status, 400) << cell << ": " << answer.body;
      EXPECT_EQ(ReasonOf(answer), api::ReasonOf(lifecycle::Check("partnerships/x", state, act)))
          << cell << ": " << answer.body;
      EXPECT_NE(answer.body.find(registry::State_Name(state)), std::string::npos)
          << cell << ": the message names the state: " << answer.body;
    }
  }
  EXPECT_EQ(stack_->LatestSequences(), quiet) << "a refused act wrote something";

  // Then what each state allows goes through: the simple acts answer 200; the others
  // answer whatever their own rules say, but never a life-cycle refusal.
  const std::set<Act> simple = {Act::kEditRecord, Act::kScreen,     Act::kAssess,
                                Act::kEvaluate,   Act::kRecordRisk, Act::kExitStrategy,
                                Act::kExit,       Act::kNote,       Act::kFinance};
  for (State state : lifecycle::AllStates()) {
    for (Act act : lifecycle::AllActs()) {
      if (!lifecycle::Allows(state, act)) continue;
      ++allowed;
      HttpResponse answer = Do(act, CellId(state, act));
      std::string cell = absl::StrCat(registry::State_Name(state), " x ", lifecycle::ActName(act));
      EXPECT_FALSE(IsLifecycleRefusal(answer)) << cell << ": " << answer.body;
      if (simple.count(act)) {
        EXPECT_EQ(answer.status, 200) << cell << ": " << answer.body;
      }
    }
  }
  std::printf(
      "life-cycle matrix through the services: %zu states x %zu acts = %d cells "
      "(%d refused, %d allowed)\n",
      lifecycle::AllStates().size(), lifecycle::AllActs().size(), refused + allowed, refused,
      allowed);
  EXPECT_EQ(refused + allowed, 130);
}

TEST_F(LifecycleEndToEnd, ActsRacingACloseAreFinishedByTheReactions) {
  constexpr int kPartnerships = 16;
  std::map<std::string, State> targets;
  for (int i = 0; i < kPartnerships; ++i) targets[absl::StrCat("race-", i)] = registry::ACTIVE;
  ASSERT_NO_FATAL_FAILURE(Prepare(targets));
  // Major now: their risks are offered to the corporate risk register.
  for (const auto& [id, state] : targets) {
    ASSERT_EQ(Rest("POST", Path(id) + "/assessments", kMajor).status, 200);
  }
  ASSERT_TRUE(stack_->WaitUntilSettled());

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<std::string, std::chrono::steady_clock::time_point> closed_at;
  std::map<std::string, int> accepted, refused, accepted_after_close;
  // `sent`: when the call left, so that an act answered after the close but sent before it
  // does not count as sent after it.
  auto record = [&](const std::string& id, const std::string& what,
                    std::chrono::steady_clock::time_point sent, const HttpResponse& r) {
    std::lock_guard<std::mutex> lock(mu);
    if (r.status == 200) {
      ++accepted[what];
      auto closed = closed_at.find(id);
      if (closed != closed_at.end() && closed->second < sent) ++accepted_after_close[what];
    } else if (IsLifecycleRefusal(r)) {
      ++refused[what];
    } else if (r.status != 409 && r.status != 503) {
      ADD_FAILURE() << what << " on " << id << ": " << r.status << " " << r.body;
    }
  };
  // The writers aim at the partnership being closed now and the one closed just before, so
  // that their acts land in the moment the services' views lag the register.
  std::atomic<int> closing{0};
  auto writer = [&](int seed) {
    for (int n = 0; !stop.load(); ++n) {
      int target = std::max(0, closing.load() - (n / 4 + seed) % 2);
      std::string id = absl::StrCat("race-", target);
      const auto sent = std::chrono::steady_clock::now();
      switch ((n + seed) % 4) {
        case 0:
          record(id, "risk", sent, Rest("POST", Path(id) + "/risks", kRisk));
          break;
        case 1:
          record(id, "assessment", sent,
                 Rest("POST", Path(id) + "/assessments", n % 2 ? kMajor : kLimited));
          break;
        case 2:
          record(id, "evaluation", sent, Rest("POST", Path(id) + "/evaluations", "{}"));
          break;
        default:
          record(id, "exit strategy", sent,
                 Rest("PATCH", Path(id) + "/exitStrategy", kExitStrategy));
      }
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) writers.emplace_back(writer, w);
  for (int i = 0; i < kPartnerships; ++i) {
    const std::string id = absl::StrCat("race-", i);
    closing = i;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    HttpResponse exited = Rest("POST", Path(id) + "/exit",
                               R"({"exitDate":"2026-11-30","residualLiabilities":"none",
                                   "reason":"objectives met"})",
                               "hos");
    ASSERT_EQ(exited.status, 200) << exited.body;
    std::lock_guard<std::mutex> lock(mu);
    closed_at[id] = std::chrono::steady_clock::now();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(stack_->WaitUntilSettled());

  // Nothing of a closed partnership is left open, pending or due; tiers agree.
  int open_risks = 0, pending_escalations = 0, due_items = 0, pending_sign_offs = 0,
      tier_disagreements = 0, voided = 0, withdrawn = 0;
  for (const auto& [id, state] : targets) {
    auto p = FromJson<registry::Partnership>(Rest("GET", Path(id)).body);
    ASSERT_EQ(p.state(), registry::CLOSED) << id;
    auto risks =
        FromJson<risk::ListRisksResponse>(Rest("GET", Path(id) + "/risks?pageSize=1000").body);
    for (const auto& r : risks.risks()) {
      open_risks += r.state() == risk::Risk::OPEN;
      pending_escalations += r.escalation().state() == risk::Escalation::PENDING;
    }
    auto schedule = FromJson<review::Schedule>(Rest("GET", Path(id) + "/schedule").body);
    due_items += schedule.items_size();
    auto evaluations = FromJson<assessment::ListEvaluationsResponse>(
        Rest("GET", Path(id) + "/evaluations?pageSize=1000").body);
    for (const auto& e : evaluations.evaluations()) {
      pending_sign_offs += e.state() == assessment::Evaluation::DRAFT ||
                           e.state() == assessment::Evaluation::SUBMITTED;
      withdrawn += e.state() == assessment::Evaluation::WITHDRAWN;
    }
    auto assessments = FromJson<assessment::ListAssessmentsResponse>(
        Rest("GET", Path(id) + "/assessments?pageSize=1000").body);
    assessment::Tier latest = assessment::TIER_UNSPECIFIED;
    for (const auto& a : assessments.assessments()) voided += !a.void_reason().empty();
    for (const auto& a : assessments.assessments()) {  // newest first
      if (a.void_reason().empty()) {
        latest = a.final_tier();
        break;
      }
    }
    bool agree = static_cast<int>(latest) == static_cast<int>(p.tier()) &&
                 static_cast<int>(schedule.tier()) == static_cast<int>(p.tier());
    tier_disagreements += !agree;
    EXPECT_TRUE(agree) << id << ": register " << registry::Tier_Name(p.tier()) << ", assessment "
                       << assessment::Tier_Name(latest) << ", review "
                       << assessment::Tier_Name(schedule.tier());
  }
  auto queue = FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body);
  EXPECT_EQ(queue.risks_size(), 0) << "the corporate register is still offered closed risks";
  EXPECT_EQ(open_risks, 0);
  EXPECT_EQ(pending_escalations, 0);
  EXPECT_EQ(due_items, 0);
  EXPECT_EQ(pending_sign_offs, 0);
  EXPECT_EQ(tier_disagreements, 0);
  int total_after = 0;
  for (const auto& [what, n] : accepted_after_close) total_after += n;
  std::printf("close race: %d partnerships closed; accepted:", kPartnerships);
  for (const auto& [what, n] : accepted) std::printf(" %s %d", what.c_str(), n);
  std::printf("; refused by the life cycle:");
  for (const auto& [what, n] : refused) std::printf(" %s %d", what.c_str(), n);
  std::printf(
      "; acts sent after the close was acknowledged and accepted: %d "
      "(evaluations withdrawn %d, assessments voided by the register's refusal %d); "
      "left open %d, pending escalations %d, due items %d, pending sign-offs %d, tier "
      "disagreements %d\n",
      total_after, withdrawn, voided, open_risks, pending_escalations, due_items, pending_sign_offs,
      tier_disagreements);
  EXPECT_GT(accepted["risk"], 0);
  // An exit strategy has no reaction to finish it: none may be accepted once the formal exit
  // was acknowledged (the review service records the exit in the same change as its state).
  EXPECT_EQ(accepted_after_close["exit strategy"], 0);
  EXPECT_GT(refused["risk"] + refused["assessment"] + refused["evaluation"], 0)
      << "the writers never met a closed partnership: the race proved nothing";
}

TEST_F(LifecycleEndToEnd, TheProtocolIsBoundOnceAndOnlyTheKeeperRebindsIt) {
  ASSERT_EQ(Rest("POST", "/v1/partnerships?partnershipId=bound-one",
                 R"({"displayName":"Bound One","leadService":"Leisure"})")
                .status,
            200);
  // The first screening binds the partnership to the protocol it used.
  HttpResponse screened =
      Rest("POST", Path("bound-one") + "/screenings",
           R"({"outcome":"IS_PARTNERSHIP","justification":"x","protocol":"protocols/chorley"})");
  ASSERT_EQ(screened.status, 200) << screened.body;
  EXPECT_EQ(FromJson<assessment::Screening>(screened.body).protocol(), "protocols/chorley");
  // A later act under another protocol is refused and writes nothing.
  ASSERT_TRUE(stack_->WaitUntilSettled());
  auto before = stack_->LatestSequences();
  HttpResponse other = Rest("POST", Path("bound-one") + "/assessments",
                            R"({"protocol":"protocols/bolsover","answers":[
                                {"question":4,"score":1}]})");
  EXPECT_EQ(other.status, 400) << other.body;
  EXPECT_EQ(ReasonOf(other), "PROTOCOL_BOUND");
  EXPECT_EQ(stack_->LatestSequences(), before);
  HttpResponse assessed = Rest("POST", Path("bound-one") + "/assessments", kLimited);
  ASSERT_EQ(assessed.status, 200) << assessed.body;
  EXPECT_EQ(FromJson<assessment::Assessment>(assessed.body).protocol(), "protocols/chorley");
  EXPECT_EQ(FromJson<assessment::Assessment>(assessed.body).assessed_by(), "lead");
  ASSERT_TRUE(stack_->WaitUntilSettled());
  EXPECT_EQ(FromJson<registry::Partnership>(Rest("GET", Path("bound-one")).body).protocol(),
            "protocols/chorley");

  // Rebinding is the register keeper's act alone.
  const std::string rebind = R"({"protocol":"protocols/bolsover"})";
  HttpResponse by_lead = Rest("PATCH", Path("bound-one") + "?updateMask=protocol", rebind);
  EXPECT_EQ(by_lead.status, 403) << by_lead.body;
  HttpResponse by_keeper =
      Rest("PATCH", Path("bound-one") + "?updateMask=protocol", rebind, "keeper");
  ASSERT_EQ(by_keeper.status, 200) << by_keeper.body;
  EXPECT_EQ(FromJson<registry::Partnership>(by_keeper.body).protocol(), "protocols/bolsover");
  ASSERT_TRUE(stack_->WaitUntilSettled());
  HttpResponse rescored = Rest("POST", Path("bound-one") + "/assessments", kLimited);
  ASSERT_EQ(rescored.status, 200) << rescored.body;
  EXPECT_EQ(FromJson<assessment::Assessment>(rescored.body).protocol(), "protocols/bolsover");
}

TEST_F(LifecycleEndToEnd, OnlyOfficersWithStandingDecideAndEveryActNamesItsOfficer) {
  ASSERT_TRUE(stack_->EnsureOfficer("hos-housing", "HEAD_OF_SERVICE", "Housing"));
  std::map<std::string, State> targets = {{"standing-one", registry::AWAITING_APPROVAL}};
  ASSERT_NO_FATAL_FAILURE(Prepare(targets));
  auto evaluations = FromJson<assessment::ListEvaluationsResponse>(
      Rest("GET", Path("standing-one") + "/evaluations").body);
  ASSERT_EQ(evaluations.evaluations_size(), 1);
  const assessment::Evaluation& submitted = evaluations.evaluations(0);
  EXPECT_EQ(submitted.created_by(), "lead");
  EXPECT_EQ(submitted.submitted_by(), "lead");
  auto before = stack_->LatestSequences();
  // Housing's Head of Service cannot decide a Leisure partnership's evaluation.
  for (const auto& [decision, body] :
       std::map<std::string, std::string>{{":signOff", R"({"role":"HEAD_OF_SERVICE"})"},
                                          {":reject", R"({"reason":"not ours"})"}}) {
    HttpResponse refused = Rest("POST", "/v1/" + submitted.name() + decision, body, "hos-housing");
    EXPECT_EQ(refused.status, 403) << decision << ": " << refused.body;
    EXPECT_EQ(ReasonOf(refused), "NOT_OWN_SERVICE") << decision;
  }
  // An act that names no officer is refused before anything is written.
  HttpResponse anonymous = Rest("POST", Path("standing-one") + "/risks", kRisk, "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(stack_->LatestSequences(), before);
  auto read = FromJson<assessment::Evaluation>(Rest("GET", "/v1/" + submitted.name()).body);
  EXPECT_EQ(read.state(), assessment::Evaluation::SUBMITTED);
  // Leisure's own Head of Service decides, and is recorded.
  HttpResponse signed_off =
      Rest("POST", "/v1/" + submitted.name() + ":signOff", R"({"role":"HEAD_OF_SERVICE"})", "hos");
  ASSERT_EQ(signed_off.status, 200) << signed_off.body;
  auto decided = FromJson<assessment::Evaluation>(signed_off.body);
  ASSERT_EQ(decided.sign_offs_size(), 1);
  EXPECT_EQ(decided.sign_offs(0).officer(), "hos");
  // A risk records who recorded it; a meeting note its author.
  HttpResponse risk_made = Rest("POST", Path("standing-one") + "/risks", kRisk);
  ASSERT_EQ(risk_made.status, 200) << risk_made.body;
  EXPECT_EQ(FromJson<risk::Risk>(risk_made.body).recorded_by(), "lead");
  HttpResponse noted = Rest("POST", Path("standing-one") + ":addMeetingNote",
                            R"({"note":{"meetingDate":"2026-11-01","text":"Board met"}})");
  ASSERT_EQ(noted.status, 200) << noted.body;
  EXPECT_EQ(FromJson<registry::Partnership>(noted.body).meeting_notes(0).author(), "lead");
}

}  // namespace
}  // namespace accord::testing
