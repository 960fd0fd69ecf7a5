// The assessment service end to end with the real processes: a lead officer screens,
// scores, submits and gets sign-off through the gateway's REST API, and the register
// follows; then the register keeps following across kill -9 of either side.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/http_client.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
using ::testing::HasSubstr;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message, options);
  EXPECT_TRUE(status.ok()) << status << " in " << json;
  return message;
}

template <typename Message>
std::string ToJson(const Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

std::map<std::string, std::string> As(const std::string& officer, const std::string& roles) {
  return {{"x-accord-officer", officer}, {"x-accord-roles", roles}};
}

std::string ErrorStatus(const HttpResponse& response) {
  auto body = FromJson<google::protobuf::Struct>(response.body);
  return body.fields().at("error").struct_value().fields().at("status").string_value();
}

class AssessmentEndToEnd : public ::testing::Test {
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

  // Polls the register (directly) until `done` holds for the partnership; returns the time
  // it took, or -1 ms after 10 s.
  std::chrono::microseconds WaitForRegister(
      const std::string& name, const std::function<bool(const registry::Partnership&)>& done) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
      auto stub = registry::RegistryService::NewStub(
          grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_.registry_port()),
                              grpc::InsecureChannelCredentials()));
      grpc::ClientContext ctx;
      registry::GetPartnershipRequest get;
      get.set_name(name);
      registry::Partnership p;
      if (stub->GetPartnership(&ctx, get, &p).ok() && done(p)) {
        return std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return std::chrono::microseconds(-1000);
  }

  Stack stack_;
};

TEST_F(AssessmentEndToEnd, LeadOfficerTakesAPartnershipFromProposalToApproval) {
  auto officer = As("alice", "LEAD_OFFICER,SENIOR_MANAGEMENT_TEAM");
  ASSERT_EQ(Rest("POST", "/v1/partnerships?partnershipId=lsp",
                 R"({"displayName":"Bolsover LSP","leadService":"Policy"})")
                .status,
            200);

  auto screened = Rest("POST", "/v1/partnerships/lsp/screenings",
                       R"({"outcome":"IS_PARTNERSHIP","justification":"Statutory partnership"})",
                       officer);
  ASSERT_EQ(screened.status, 200) << screened.body;
  EXPECT_EQ(FromJson<assessment::Screening>(screened.body).screened_by(), "alice");
  ASSERT_GE(WaitForRegister("partnerships/lsp",
                            [](const auto& p) { return p.state() == registry::SCREENED; })
                .count(),
            0);

  // The seed's worked example: 5,4,5,5,2,5,1 = 27/35 = 77%, Major, accountable body.
  auto assessed = Rest("POST", "/v1/partnerships/lsp/assessments", R"({"answers":[
      {"question":1,"amountPence":"150000000"},{"question":2,"count":4},
      {"question":3,"score":5},{"question":4,"score":5},{"question":5,"score":2},
      {"question":6,"score":5},{"question":7,"score":1}]})",
                       officer);
  ASSERT_EQ(assessed.status, 200) << assessed.body;
  auto a = FromJson<assessment::Assessment>(assessed.body);
  EXPECT_EQ(a.total(), 27);
  EXPECT_EQ(a.maximum(), 35);
  EXPECT_EQ(a.percent(), 77);
  EXPECT_EQ(a.final_tier(), assessment::MAJOR);
  EXPECT_TRUE(a.accountable_body());
  EXPECT_EQ(a.protocol(), "protocols/bolsover");
  ASSERT_GE(WaitForRegister("partnerships/lsp",
                            [](const auto& p) {
                              return p.state() == registry::ASSESSED &&
                                     p.tier() == registry::MAJOR;
                            })
                .count(),
            0);

  auto required = Rest("GET", "/v1/partnerships/lsp/requirements");
  ASSERT_EQ(required.status, 200) << required.body;
  auto requirements = FromJson<assessment::Requirements>(required.body);
  EXPECT_EQ(requirements.document(), assessment::FULL_EVALUATION);
  EXPECT_THAT(requirements.sign_off_roles(),
              ::testing::Contains(assessment::SENIOR_MANAGEMENT_TEAM));
  EXPECT_TRUE(requirements.executive_decision_required());
  EXPECT_THAT(requirements.risk_registers(), ::testing::Contains(assessment::CORPORATE));

  auto started = Rest("POST", "/v1/partnerships/lsp/evaluations", "{}", officer);
  ASSERT_EQ(started.status, 200) << started.body;
  auto evaluation = FromJson<assessment::Evaluation>(started.body);
  EXPECT_EQ(evaluation.kind(), assessment::FULL_EVALUATION);
  EXPECT_FALSE(evaluation.missing_items().empty());
  std::string path = "/v1/" + evaluation.name();

  auto early = Rest("POST", path + ":submit", "{}", officer);
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_EQ(ErrorStatus(early), "FAILED_PRECONDITION");
  EXPECT_THAT(early.body, HasSubstr("section 1"));

  // Complete every section and the governance checklist from the protocol itself.
  auto protocol = FromJson<assessment::Protocol>(Rest("GET", "/v1/protocols/bolsover").body);
  assessment::Evaluation patch;
  for (const auto& section : protocol.evaluation_sections()) {
    auto* answer = patch.add_sections();
    answer->set_number(section.number());
    answer->set_text("Answered: " + section.title());
  }
  for (const auto& item : protocol.governance_checklist()) {
    auto* answer = patch.add_governance_checklist();
    answer->set_item_id(item.id());
    answer->set_met(true);
  }
  auto filled = Rest("PATCH", path + "?updateMask=sections,governanceChecklist", ToJson(patch),
                     officer);
  ASSERT_EQ(filled.status, 200) << filled.body;
  EXPECT_THAT(FromJson<assessment::Evaluation>(filled.body).missing_items(), ::testing::IsEmpty());

  auto submitted = Rest("POST", path + ":submit", "{}", officer);
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  ASSERT_GE(WaitForRegister("partnerships/lsp",
                            [](const auto& p) { return p.state() == registry::AWAITING_APPROVAL; })
                .count(),
            0);

  auto own = Rest("POST", path + ":signOff", R"({"role":"SENIOR_MANAGEMENT_TEAM"})", officer);
  EXPECT_EQ(own.status, 403) << own.body;
  auto wrong_role = Rest("POST", path + ":signOff", R"({"role":"SENIOR_MANAGEMENT_TEAM"})",
                         As("bob", "HEAD_OF_SERVICE"));
  EXPECT_EQ(wrong_role.status, 403) << wrong_role.body;
  auto nobody = Rest("POST", path + ":signOff", R"({"role":"SENIOR_MANAGEMENT_TEAM"})",
                     {{"x-accord-officer", ""}});
  EXPECT_EQ(nobody.status, 401) << nobody.body;

  auto smt = Rest("POST", path + ":signOff", R"({"role":"SENIOR_MANAGEMENT_TEAM"})",
                  As("bob", "SENIOR_MANAGEMENT_TEAM"));
  ASSERT_EQ(smt.status, 200) << smt.body;
  auto after_smt = FromJson<assessment::Evaluation>(smt.body);
  EXPECT_EQ(after_smt.state(), assessment::Evaluation::SUBMITTED);
  EXPECT_THAT(after_smt.pending_sign_offs(), ::testing::ElementsAre(assessment::EXECUTIVE));

  auto no_record = Rest("POST", path + ":signOff", R"({"role":"EXECUTIVE"})",
                        As("carol", "EXECUTIVE"));
  EXPECT_EQ(no_record.status, 400) << no_record.body;
  EXPECT_THAT(no_record.body, HasSubstr("executive_decision"));

  auto approved = Rest("POST", path + ":signOff",
                       R"({"role":"EXECUTIVE","executiveDecision":{"date":"2026-11-20",
                           "minuteReference":"EXEC/2026/114"}})",
                       As("carol", "EXECUTIVE"));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(FromJson<assessment::Evaluation>(approved.body).state(),
            assessment::Evaluation::APPROVED);
  auto reflected = WaitForRegister(
      "partnerships/lsp", [](const auto& p) { return p.state() == registry::ACTIVE; });
  ASSERT_GE(reflected.count(), 0) << "the register never showed the approval";
  std::printf("register reflected the approval %.2f ms after the sign-off answered\n",
              reflected.count() / 1000.0);
}

TEST_F(AssessmentEndToEnd, AssessingAnUnknownPartnershipIsRefusedAndWritesNothing) {
  auto before = FromJson<events::v1::ListEventsResponse>(
                    Rest("GET", "/v1/assessment/events?pageSize=1").body)
                    .latest_sequence();
  auto refused = Rest("POST", "/v1/partnerships/nobody/assessments",
                      R"({"answers":[{"question":4,"score":3}]})");
  EXPECT_EQ(refused.status, 404) << refused.body;
  auto bad_score = Rest("POST", "/v1/partnerships/nobody/assessments",
                        R"({"answers":[{"question":3,"score":4}]})");
  EXPECT_EQ(bad_score.status, 400) << bad_score.body;
  EXPECT_THAT(bad_score.body, HasSubstr("assessment.answers[0].score"));
  auto after = FromJson<events::v1::ListEventsResponse>(
                   Rest("GET", "/v1/assessment/events?pageSize=1").body)
                   .latest_sequence();
  EXPECT_EQ(after, before);
}

TEST_F(AssessmentEndToEnd, RegisterFollowsTheFeedExactlyOnceAcrossKillNineOfEitherSide) {
  constexpr int kPartnerships = 30;
  auto registry_stub = [&] {
    return registry::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack_.registry_port()), grpc::InsecureChannelCredentials()));
  };
  auto assessment_stub = [&] {
    return assessment::AssessmentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack_.assessment_port()), grpc::InsecureChannelCredentials()));
  };
  for (int i = 0; i < kPartnerships; ++i) {
    registry::CreatePartnershipRequest create;
    create.set_partnership_id(absl::StrCat("follow-", i));
    create.mutable_partnership()->set_display_name(absl::StrCat("Follow ", i));
    create.mutable_partnership()->set_lead_service("Policy");
    grpc::ClientContext ctx;
    registry::Partnership p;
    ASSERT_TRUE(registry_stub()->CreatePartnership(&ctx, create, &p).ok());
  }
  auto screen = [&](int from, int to) {
    auto stub = assessment_stub();
    for (int i = from; i < to; ++i) {
      assessment::CreateScreeningRequest request;
      request.set_parent(absl::StrCat("partnerships/follow-", i));
      request.mutable_screening()->set_outcome(assessment::IS_PARTNERSHIP);
      request.mutable_screening()->set_justification("joint delivery");
      grpc::ClientContext ctx;
      ctx.AddMetadata("x-accord-officer", "lead");
      assessment::Screening screening;
      grpc::Status status = stub->CreateScreening(&ctx, request, &screening);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  };
  screen(0, 10);
  ASSERT_TRUE(stack_.KillAndRestartRegistry()) << stack_.error();  // consumer crashes
  screen(10, 20);
  ASSERT_TRUE(stack_.KillAndRestartAssessment()) << stack_.error();  // producer crashes
  screen(20, 30);
  ASSERT_TRUE(stack_.KillAndRestartRegistry()) << stack_.error();

  for (int i = 0; i < kPartnerships; ++i) {
    ASSERT_GE(WaitForRegister(absl::StrCat("partnerships/follow-", i),
                              [](const auto& p) { return p.state() == registry::SCREENED; })
                  .count(),
              0)
        << "follow-" << i << " never became SCREENED";
  }
  // Exactly one "screened" change per partnership in the register's own feed: nothing lost,
  // nothing applied twice.
  std::map<std::string, int> applied;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  grpc::ClientContext ctx;
  events::v1::ListEventsResponse events;
  ASSERT_TRUE(registry_stub()->ListEvents(&ctx, page, &events).ok());
  for (const auto& e : events.events()) {
    if (e.action() == "screened") ++applied[e.resource_name()];
  }
  EXPECT_EQ(applied.size(), static_cast<size_t>(kPartnerships));
  for (const auto& [name, count] : applied) EXPECT_EQ(count, 1) << name;
}

}  // namespace
}  // namespace accord::testing
