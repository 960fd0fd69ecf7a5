// The risk service with the real processes: risks recorded through the gateway, the
// corporate risk register's pull queue, escalation following the assessment feed, and no
// event lost or applied twice across kill -9 of the risk service.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/http_client.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;
using ::testing::HasSubstr;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << " in " << json;
  return message;
}

constexpr char kRiskJson[] = R"({"title":"Partner withdraws funding","riskTo":"BOTH",
  "category":"PARTNER_FAILURE_TO_PERFORM","owner":"Head of Finance",
  "inherent":{"impact":4,"likelihood":4},"residual":{"impact":3,"likelihood":2},
  "reviewDate":"2027-03-31","actions":[{"description":"Agree a funding schedule",
  "owner":"Partnership manager","dueDate":"2027-01-31"}]})";

class RiskEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.ok()) << stack_.error(); }
  void TearDown() override { EXPECT_TRUE(stack_.StopGracefully()); }

  // Calls the gateway with the stack's API key; an x-accord-officer with x-accord-roles is
  // first put in the officer directory (the gateway takes roles from there, not the call).
  HttpResponse Rest(const std::string& method, const std::string& target,
                    const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    if (!headers.count("x-accord-officer")) {
      // Acts are recorded with the officer who does them: the register keeper by default;
      // an empty x-accord-officer sends none.
      headers.emplace("x-accord-officer", "keeper");
      headers.emplace("x-accord-roles", "REGISTER_KEEPER");
    } else if (headers["x-accord-officer"].empty()) {
      headers.erase("x-accord-officer");
    }
    if (headers.count("x-accord-officer") && headers.count("x-accord-roles")) {
      EXPECT_TRUE(stack_.EnsureOfficer(headers["x-accord-officer"], headers["x-accord-roles"]));
    }
    headers.merge(stack_.Auth());
    return HttpCall(stack_.gateway_http_port(), method, target, body, headers);
  }

  std::unique_ptr<risk::RiskService::Stub> RiskStub() {
    return risk::RiskService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack_.risk_port()), grpc::InsecureChannelCredentials()));
  }

  // Creates, screens and scores a partnership directly over gRPC; `major` picks the seed's
  // Major answers or a Limited set.
  void Prepare(const std::string& id, bool major) {
    auto registry_stub = registry::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack_.registry_port()), grpc::InsecureChannelCredentials()));
    registry::CreatePartnershipRequest create;
    create.set_partnership_id(id);
    create.mutable_partnership()->set_display_name(id);
    create.mutable_partnership()->set_lead_service("Policy");
    grpc::ClientContext c1;
    registry::Partnership p;
    ASSERT_TRUE(registry_stub->CreatePartnership(&c1, create, &p).ok());
    auto stub = assessment::AssessmentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack_.assessment_port()), grpc::InsecureChannelCredentials()));
    assessment::CreateScreeningRequest screen;
    screen.set_parent("partnerships/" + id);
    screen.mutable_screening()->set_outcome(assessment::IS_PARTNERSHIP);
    screen.mutable_screening()->set_justification("Joint delivery with shared risk");
    grpc::ClientContext c0;
    c0.AddMetadata("x-accord-officer", "lead");
    assessment::Screening screening;
    grpc::Status screened = stub->CreateScreening(&c0, screen, &screening);
    ASSERT_TRUE(screened.ok()) << screened.error_message();
    assessment::CreateAssessmentRequest request;
    request.set_parent("partnerships/" + id);
    for (int q = 4; q <= 7; ++q) {
      auto* answer = request.mutable_assessment()->add_answers();
      answer->set_question(q);
      answer->set_score(major ? 5 : 1);
    }
    grpc::ClientContext c2;
    c2.AddMetadata("x-accord-officer", "lead");
    assessment::Assessment assessed;
    grpc::Status status = stub->CreateAssessment(&c2, request, &assessed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(assessed.final_tier(), major ? assessment::MAJOR : assessment::LIMITED);
  }

  // Polls the risk until `done` holds; false after 10 s.
  bool WaitForRisk(const std::string& name, const std::function<bool(const risk::Risk&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      grpc::ClientContext ctx;
      risk::GetRiskRequest get;
      get.set_name(name);
      risk::Risk r;
      if (RiskStub()->GetRisk(&ctx, get, &r).ok() && done(r)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  Stack stack_;
};

TEST_F(RiskEndToEnd, OfficerRecordsRisksAndTheCorporateRegisterPullsAndReportsBack) {
  ASSERT_NO_FATAL_FAILURE(Prepare("major-one", true));
  // The first risk may be recorded before the risk service has seen the protocol; retry.
  HttpResponse created;
  for (int i = 0; i < 200; ++i) {
    created = Rest("POST", "/v1/partnerships/major-one/risks", kRiskJson);
    if (created.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(created.status, 200) << created.body;
  auto r = FromJson<risk::Risk>(created.body);
  EXPECT_EQ(r.inherent().score(), 16);
  EXPECT_EQ(r.inherent().band(), "high");
  ASSERT_TRUE(WaitForRisk(r.name(), [](const risk::Risk& x) {
    return x.escalation().state() == risk::Escalation::PENDING;
  }));

  // The corporate register pulls, acknowledges the version it took, and reports back.
  auto pending = FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body);
  ASSERT_EQ(pending.risks_size(), 1);
  EXPECT_THAT(pending.risks(0).recorded_in(), ::testing::Contains("CORPORATE"));
  std::string etag = pending.risks(0).etag();
  auto acked = Rest("POST", "/v1/" + r.name() + ":acknowledgeEscalation",
                    absl::StrCat(R"({"etag":")", etag, R"(","corporateReference":"CRR-2026-41"})"));
  ASSERT_EQ(acked.status, 200) << acked.body;
  EXPECT_EQ(FromJson<risk::Risk>(acked.body).escalation().state(), risk::Escalation::ACKNOWLEDGED);
  EXPECT_EQ(FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body)
                .risks_size(),
            0);

  // A later change is offered again.
  auto changed = Rest("PATCH", "/v1/" + r.name() + "?updateMask=residual",
                      R"({"residual":{"impact":2,"likelihood":2}})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(FromJson<risk::Risk>(changed.body).escalation().state(), risk::Escalation::PENDING);
  auto again = FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body);
  ASSERT_EQ(again.risks_size(), 1);
  auto stale = Rest("POST", "/v1/" + r.name() + ":acknowledgeEscalation",
                    absl::StrCat(R"({"etag":")", etag, R"(","corporateReference":"CRR-2026-41"})"));
  EXPECT_EQ(stale.status, 409) << stale.body;
  ASSERT_EQ(Rest("POST", "/v1/" + r.name() + ":acknowledgeEscalation",
                 absl::StrCat(R"({"etag":")", again.risks(0).etag(),
                              R"(","corporateReference":"CRR-2026-41"})"))
                .status,
            200);
  auto no_reason = Rest("POST", "/v1/" + r.name() + ":reportEscalationStatus",
                        R"({"state":"REJECTED"})");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_THAT(no_reason.body, HasSubstr("reason"));
  auto accepted = Rest("POST", "/v1/" + r.name() + ":reportEscalationStatus",
                       R"({"state":"ACCEPTED","corporateStatus":"On corporate register"})");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(FromJson<risk::Risk>(accepted.body).escalation().state(), risk::Escalation::ACCEPTED);

  // The heat map counts it; the council-wide map too.
  auto map = FromJson<risk::HeatMap>(Rest("GET", "/v1/partnerships/major-one/riskHeatMap").body);
  EXPECT_EQ(map.open_risks(), 1);
  EXPECT_EQ(map.impact_levels_size(), 5);
  int inherent = 0;
  for (const auto& cell : map.cells()) {
    if (cell.impact() == 4 && cell.likelihood() == 4) inherent = cell.inherent_count();
  }
  EXPECT_EQ(inherent, 1);
  EXPECT_EQ(FromJson<risk::HeatMap>(Rest("GET", "/v1/partnerships/-/riskHeatMap").body)
                .open_risks(),
            1);
  auto overdue = FromJson<risk::ListRisksResponse>(
      Rest("GET", "/v1/risks:overdue?asOf=2027-02-01").body);
  EXPECT_EQ(overdue.risks_size(), 1);
  EXPECT_EQ(FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/risks:overdue?asOf=2027-01-31").body)
                .risks_size(),
            0);

  // The Chief Executive moderates the tier down: the escalation is withdrawn, not deleted.
  auto assessments = Rest("GET", "/v1/partnerships/major-one/assessments");
  auto list = FromJson<assessment::ListAssessmentsResponse>(assessments.body);
  ASSERT_EQ(list.assessments_size(), 1);
  auto moderated = Rest("POST", "/v1/" + list.assessments(0).name() + ":moderate",
                        R"({"tier":"MODERATE","reason":"Agreed at CEPM review"})",
                        {{"x-accord-officer", "ceo"}, {"x-accord-roles", "CHIEF_EXECUTIVE"}});
  ASSERT_EQ(moderated.status, 200) << moderated.body;
  ASSERT_TRUE(WaitForRisk(r.name(), [](const risk::Risk& x) {
    return x.escalation().state() == risk::Escalation::WITHDRAWAL_PENDING &&
           x.escalation().corporate_reference() == "CRR-2026-41";
  }));
  // The withdrawal reaches the corporate register through the same queue.
  auto withdrawal = FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body);
  ASSERT_EQ(withdrawal.risks_size(), 1);
  EXPECT_EQ(withdrawal.risks(0).escalation().state(), risk::Escalation::WITHDRAWAL_PENDING);
  auto withdrawn = Rest("POST", "/v1/" + r.name() + ":acknowledgeEscalation",
                        absl::StrCat(R"({"etag":")", withdrawal.risks(0).etag(),
                                     R"(","corporateReference":"CRR-2026-41"})"));
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(FromJson<risk::Risk>(withdrawn.body).escalation().state(), risk::Escalation::WITHDRAWN);
  EXPECT_EQ(FromJson<risk::ListRisksResponse>(Rest("GET", "/v1/escalations:pending").body)
                .risks_size(),
            0);
}

TEST_F(RiskEndToEnd, BadRiskInputIsRefusedNamingTheFieldAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(Prepare("limited-one", false));
  auto latest = [&] {
    return FromJson<events::v1::ListEventsResponse>(Rest("GET", "/v1/risk/events?pageSize=1").body)
        .latest_sequence();
  };
  // Wait until the risk service knows the protocol, so refusals are about the input.
  HttpResponse probe;
  for (int i = 0; i < 200; ++i) {
    probe = Rest("POST", "/v1/partnerships/limited-one/risks", "{}");
    if (probe.status != 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(probe.status, 400) << probe.body;
  int64_t before = latest();
  struct Case {
    std::string target, body, expected;
    int http;
  };
  std::string outside = kRiskJson;
  outside.replace(outside.find(R"("impact":4)"), 10, R"("impact":9)");
  std::string no_owner = kRiskJson;
  no_owner.replace(no_owner.find(R"("owner":"Partnership manager",)"), 30, "");
  for (const Case& c : std::vector<Case>{
           {"/v1/partnerships/nobody/risks", kRiskJson, "nobody", 404},
           {"/v1/partnerships/limited-one/risks", outside, "risk.inherent.impact", 400},
           {"/v1/partnerships/limited-one/risks", no_owner, "risk.actions[0].owner", 400},
       }) {
    auto response = Rest("POST", c.target, c.body);
    EXPECT_EQ(response.status, c.http) << response.body;
    EXPECT_THAT(response.body, HasSubstr(c.expected));
  }
  EXPECT_EQ(latest(), before);
  auto created = Rest("POST", "/v1/partnerships/limited-one/risks", kRiskJson);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(FromJson<risk::Risk>(created.body).escalation().state(),
            risk::Escalation::NOT_REQUIRED);
}

TEST_F(RiskEndToEnd, EscalationsFollowTheFeedExactlyOnceAcrossKillNineOfTheRiskService) {
  constexpr int kPartnerships = 12;
  // Risks first, on Limited partnerships: nothing to escalate yet.
  std::vector<std::string> risks;
  for (int i = 0; i < kPartnerships; ++i) {
    ASSERT_NO_FATAL_FAILURE(Prepare(absl::StrCat("crash-", i), false));
  }
  for (int i = 0; i < kPartnerships; ++i) {
    HttpResponse created;
    for (int attempt = 0; attempt < 200; ++attempt) {
      created = Rest("POST", absl::StrCat("/v1/partnerships/crash-", i, "/risks"), kRiskJson);
      if (created.status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(created.status, 200) << created.body;
    risks.push_back(FromJson<risk::Risk>(created.body).name());
  }
  // Each partnership becomes Major while the risk service is killed and restarted.
  auto stub = assessment::AssessmentService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", stack_.assessment_port()), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < kPartnerships; ++i) {
    assessment::CreateAssessmentRequest request;
    request.set_parent(absl::StrCat("partnerships/crash-", i));
    for (int q = 4; q <= 7; ++q) {
      auto* answer = request.mutable_assessment()->add_answers();
      answer->set_question(q);
      answer->set_score(5);
    }
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-accord-officer", "lead");
    assessment::Assessment assessed;
    ASSERT_TRUE(stub->CreateAssessment(&ctx, request, &assessed).ok());
    if (i % 4 == 3) {
      ASSERT_TRUE(stack_.KillAndRestartRisk()) << stack_.error();
    }
  }
  for (const std::string& name : risks) {
    EXPECT_TRUE(WaitForRisk(name, [](const risk::Risk& x) {
      return x.escalation().state() == risk::Escalation::PENDING;
    })) << name;
  }
  std::map<std::string, int> offered;
  grpc::ClientContext ctx;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  events::v1::ListEventsResponse events;
  ASSERT_TRUE(RiskStub()->ListEvents(&ctx, page, &events).ok());
  for (const auto& e : events.events()) {
    if (e.action() == "escalation_offered") ++offered[e.resource_name()];
  }
  EXPECT_EQ(offered.size(), risks.size());
  for (const auto& [name, count] : offered) EXPECT_EQ(count, 1) << name;
}

}  // namespace
}  // namespace accord::testing
