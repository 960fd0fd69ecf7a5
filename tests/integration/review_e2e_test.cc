// The review service end to end with the real processes (registry, assessment, risk,
// review), driven over gRPC: partnerships approved through the assessment service get their
// schedules and compliance view from the feeds, across kill -9 of the review service; an
// officer records a review and a formal exit that the register carries out.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
namespace review = accord::review::v1;
using ::testing::ElementsAre;

void As(grpc::ClientContext& ctx, const std::string& officer, const std::string& roles) {
  ctx.AddMetadata("x-accord-officer", officer);
  ctx.AddMetadata("x-accord-roles", roles);
}

class ReviewEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.ok()) << stack_.error(); }
  void TearDown() override { EXPECT_TRUE(stack_.StopGracefully()); }

  std::shared_ptr<grpc::Channel> Channel(int port) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  }
  std::unique_ptr<registry::RegistryService::Stub> Registry() {
    return registry::RegistryService::NewStub(Channel(stack_.registry_port()));
  }
  std::unique_ptr<assessment::AssessmentService::Stub> Assessment() {
    return assessment::AssessmentService::NewStub(Channel(stack_.assessment_port()));
  }
  std::unique_ptr<review::ReviewService::Stub> Review() {
    return review::ReviewService::NewStub(Channel(stack_.review_port()));
  }

  // Creates a Limited partnership and takes it to approval through the assessment service:
  // screening, scoring, the registration document, and the Head of Service's sign-off.
  void ApproveLimited(const std::string& id) {
    const std::string name = "partnerships/" + id;
    {
      registry::CreatePartnershipRequest create;
      create.set_partnership_id(id);
      create.mutable_partnership()->set_display_name("Partnership " + id);
      create.mutable_partnership()->set_lead_service("Leisure");
      create.mutable_partnership()->mutable_council_contribution()->set_money_pence(10000);
      grpc::ClientContext ctx;
      registry::Partnership p;
      ASSERT_TRUE(Registry()->CreatePartnership(&ctx, create, &p).ok());
    }
    {
      assessment::CreateScreeningRequest request;
      request.set_parent(name);
      request.mutable_screening()->set_outcome(assessment::IS_PARTNERSHIP);
      request.mutable_screening()->set_justification("joint delivery");
      grpc::ClientContext ctx;
      As(ctx, "alice", "LEAD_OFFICER");
      assessment::Screening s;
      grpc::Status status = Assessment()->CreateScreening(&ctx, request, &s);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      assessment::CreateAssessmentRequest request;
      request.set_parent(name);
      auto* a = request.mutable_assessment();
      auto* q1 = a->add_answers();
      q1->set_question(1);
      q1->set_amount_pence(100000);
      auto* q2 = a->add_answers();
      q2->set_question(2);
      q2->set_count(1);
      for (int q = 3; q <= 7; ++q) {
        auto* answer = a->add_answers();
        answer->set_question(q);
        answer->set_score(1);
      }
      grpc::ClientContext ctx;
      As(ctx, "alice", "LEAD_OFFICER");
      assessment::Assessment out;
      grpc::Status status = Assessment()->CreateAssessment(&ctx, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(out.final_tier(), assessment::LIMITED);
    }
    // Wait for the register to show ASSESSED before the evaluation.
    ASSERT_TRUE(WaitFor([&] {
      registry::GetPartnershipRequest get;
      get.set_name(name);
      grpc::ClientContext ctx;
      registry::Partnership p;
      return Registry()->GetPartnership(&ctx, get, &p).ok() && p.state() == registry::ASSESSED;
    }));
    assessment::Evaluation evaluation;
    {
      assessment::CreateEvaluationRequest request;
      request.set_parent(name);
      grpc::ClientContext ctx;
      As(ctx, "alice", "LEAD_OFFICER");
      grpc::Status status = Assessment()->CreateEvaluation(&ctx, request, &evaluation);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      assessment::GetProtocolRequest get;
      get.set_name("protocols/bolsover");
      grpc::ClientContext pctx;
      assessment::Protocol protocol;
      ASSERT_TRUE(Assessment()->GetProtocol(&pctx, get, &protocol).ok());
      assessment::UpdateEvaluationRequest update;
      update.mutable_evaluation()->set_name(evaluation.name());
      for (const auto& section : protocol.evaluation_sections()) {
        auto* answer = update.mutable_evaluation()->add_sections();
        answer->set_number(section.number());
        answer->set_text("Answered: " + section.title());
      }
      for (const auto& item : protocol.governance_checklist()) {
        auto* answer = update.mutable_evaluation()->add_governance_checklist();
        answer->set_item_id(item.id());
        answer->set_met(true);
      }
      update.mutable_update_mask()->add_paths("sections");
      update.mutable_update_mask()->add_paths("governance_checklist");
      grpc::ClientContext ctx;
      As(ctx, "alice", "LEAD_OFFICER");
      grpc::Status status = Assessment()->UpdateEvaluation(&ctx, update, &evaluation);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      assessment::SubmitEvaluationRequest submit;
      submit.set_name(evaluation.name());
      grpc::ClientContext ctx;
      As(ctx, "alice", "LEAD_OFFICER");
      grpc::Status status = Assessment()->SubmitEvaluation(&ctx, submit, &evaluation);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      assessment::SignOffEvaluationRequest sign;
      sign.set_name(evaluation.name());
      sign.set_role(assessment::HEAD_OF_SERVICE);
      grpc::ClientContext ctx;
      As(ctx, "bob", "HEAD_OF_SERVICE");
      grpc::Status status = Assessment()->SignOffEvaluation(&ctx, sign, &evaluation);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(evaluation.state(), assessment::Evaluation::APPROVED);
    }
  }

  static bool WaitFor(const std::function<bool()>& done) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(15)) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // The review service's schedule once it shows the register's `state` and an item.
  bool ScheduledAndActive(const std::string& id) {
    return WaitFor([&] {
      review::GetScheduleRequest get;
      get.set_name("partnerships/" + id + "/schedule");
      grpc::ClientContext ctx;
      review::Schedule schedule;
      return Review()->GetSchedule(&ctx, get, &schedule).ok() && schedule.state() == "ACTIVE" &&
             schedule.items_size() == 1;
    });
  }

  std::vector<review::AnomalyKind> Anomalies(const std::string& id, const std::string& as_of) {
    review::GetComplianceRequest request;
    request.set_name("partnerships/" + id + "/compliance");
    request.set_as_of_date(as_of);
    grpc::ClientContext ctx;
    review::Compliance compliance;
    EXPECT_TRUE(Review()->GetCompliance(&ctx, request, &compliance).ok());
    std::vector<review::AnomalyKind> kinds;
    for (const auto& a : compliance.anomalies()) kinds.push_back(a.kind());
    return kinds;
  }

  Stack stack_{Stack::Options{.review = true}};
};

TEST_F(ReviewEndToEnd, SchedulesFollowTheFeedsExactlyOnceAcrossKillNineOfTheReviewService) {
  constexpr int kPartnerships = 9;
  for (int i = 0; i < kPartnerships; ++i) {
    ApproveLimited(absl::StrCat("follow-", i));
    if (i % 3 == 2 && i + 1 < kPartnerships) {
      ASSERT_TRUE(stack_.KillAndRestartReview()) << stack_.error();
    }
  }
  for (int i = 0; i < kPartnerships; ++i) {
    ASSERT_TRUE(ScheduledAndActive(absl::StrCat("follow-", i))) << "follow-" << i;
  }
  // One schedule per partnership in the review service's own feed: nothing lost, nothing
  // applied twice.
  std::map<std::string, int> scheduled;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  grpc::ClientContext ctx;
  events::v1::ListEventsResponse events;
  ASSERT_TRUE(Review()->ListEvents(&ctx, page, &events).ok());
  for (const auto& e : events.events()) {
    if (e.action() == "rescheduled") ++scheduled[e.resource_name()];
  }
  EXPECT_EQ(scheduled.size(), static_cast<size_t>(kPartnerships));
  for (const auto& [name, count] : scheduled) EXPECT_EQ(count, 1) << name;
}

TEST_F(ReviewEndToEnd, AnOfficerReviewsThenExitsAPartnershipThroughTheRegister) {
  ApproveLimited("leisure");
  ASSERT_TRUE(ScheduledAndActive("leisure"));
  review::GetScheduleRequest get;
  get.set_name("partnerships/leisure/schedule");
  grpc::ClientContext sctx;
  review::Schedule schedule;
  ASSERT_TRUE(Review()->GetSchedule(&sctx, get, &schedule).ok());
  ASSERT_EQ(schedule.items(0).type(), assessment::SERVICE_PLAN_REVIEW);
  const std::string due = schedule.items(0).due_date();
  EXPECT_THAT(Anomalies("leisure", due), ElementsAre(review::EXIT_STRATEGY_MISSING));
  // Once past its due date the review is overdue, and the keeper's list shows it.
  review::ListDueItemsRequest list;
  list.set_as_of_date("2099-01-01");
  list.set_overdue_only(true);
  grpc::ClientContext lctx;
  review::ListDueItemsResponse listed;
  ASSERT_TRUE(Review()->ListDueItems(&lctx, list, &listed).ok());
  ASSERT_EQ(listed.items_size(), 1);
  EXPECT_EQ(listed.items(0).partnership(), "partnerships/leisure");

  review::CreateReviewRequest create;
  create.set_parent("partnerships/leisure");
  auto* r = create.mutable_review();
  r->set_type(assessment::SERVICE_PLAN_REVIEW);
  r->set_period_start("2026-01-01");
  r->set_period_end("2026-03-31");
  auto* m = r->add_performance();
  m->set_measure("Visits");
  m->set_target("1000");
  m->set_actual("900");
  m->set_rating(review::AMBER);
  r->set_partners_strength("Stable");
  r->set_recommendation(review::EXIT);
  r->set_recommendation_reason("The service can be run in-house");
  grpc::ClientContext rctx;
  As(rctx, "dave", "LEAD_OFFICER");
  review::Review recorded;
  grpc::Status status = Review()->CreateReview(&rctx, create, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(recorded.decided_by(), "dave");
  // Reviewed on the day of approval: the next one is twelve months from today, like the first.
  EXPECT_EQ(recorded.next_due_date(), due);
  EXPECT_FALSE(recorded.completed_date().empty());

  review::CreateExitRequest exit;
  exit.set_parent("partnerships/leisure");
  exit.mutable_exit()->set_exit_date(recorded.completed_date());
  exit.mutable_exit()->set_residual_liabilities("none");
  exit.mutable_exit()->set_reason("Brought in-house after review");
  exit.set_request_id("exit-leisure");
  grpc::ClientContext ectx;
  As(ectx, "carol", "EXECUTIVE");
  review::Exit out;
  status = Review()->CreateExit(&ectx, exit, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  registry::GetPartnershipRequest pget;
  pget.set_name("partnerships/leisure");
  grpc::ClientContext pctx;
  registry::Partnership p;
  ASSERT_TRUE(Registry()->GetPartnership(&pctx, pget, &p).ok());
  EXPECT_EQ(p.state(), registry::CLOSED);
  EXPECT_EQ(p.state_reason(), "Brought in-house after review");
  // The review service hears the closure from the register's feed: no schedule, no anomaly.
  ASSERT_TRUE(WaitFor([&] {
    grpc::ClientContext ctx;
    review::Schedule s;
    return Review()->GetSchedule(&ctx, get, &s).ok() && s.state() == "CLOSED" &&
           s.items_size() == 0;
  }));
  EXPECT_THAT(Anomalies("leisure", "2099-01-01"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace accord::testing
