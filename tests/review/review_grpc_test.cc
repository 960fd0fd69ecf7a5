// The review service over real gRPC (in-process servers on kernel-picked ports) with real
// RocksDB stores in a temporary folder: the register runs for real too, and its feed is
// applied exactly as the FeedFollower applies it. Assessment events are built by hand with
// the councils' real protocol files.
#include <thread>

#include "accord/assessment/v1/assessment.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/review/v1/review_service.grpc.pb.h"
#include "common/api/errors.h"
#include "common/storage/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "services/review/review_service.h"
#include "services/review/reviews.h"
#include "tests/common/temp_dir.h"
#include "tests/review/test_protocols.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<grpc::Server> Serve(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

class ReviewGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry_store = storage::Store::Open(
        {.path = dir_.path() + "/registry", .service = "registry", .schema_version = 1,
         .column_families = accord::registry::Registry::ColumnFamilies()});
    ASSERT_TRUE(registry_store.ok()) << registry_store.status();
    registry_store_ = *std::move(registry_store);
    registry_ = std::make_unique<accord::registry::Registry>(registry_store_.get());
    registry_service_ = std::make_unique<accord::registry::RegistryServiceImpl>(registry_.get());
    int registry_port = 0;
    registry_server_ = Serve(registry_service_.get(), &registry_port);
    ASSERT_NE(registry_port, 0);
    registry_stub_ = registry::RegistryService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(registry_port), grpc::InsecureChannelCredentials()));

    auto store = storage::Store::Open({.path = dir_.path() + "/review", .service = "review",
                                       .schema_version = 1,
                                       .column_families = Reviews::ColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    register_ = std::make_unique<GrpcPartnershipRegister>(
        "127.0.0.1:" + std::to_string(registry_port), absl::Seconds(2));
    reviews_ = std::make_unique<Reviews>(store_.get(), register_.get(),
                                         [this] { return today_; });
    service_ = std::make_unique<ReviewServiceImpl>(reviews_.get());
    int port = 0;
    server_ = Serve(service_.get(), &port);
    ASSERT_NE(port, 0);
    stub_ = v1::ReviewService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                           grpc::InsecureChannelCredentials()));
    Protocol(testing::CouncilProtocol("chorley"));
    Protocol(testing::CouncilProtocol("derby"));
  }

  void TearDown() override {
    service_->CloseStreams();
    registry_service_->CloseStreams();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    registry_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  // Applies every new register event, as the FeedFollower would.
  void SyncRegister() {
    auto events = registry_store_->ReadEvents(register_cursor_, 1000);
    ASSERT_TRUE(events.ok());
    for (const auto& event : *events) {
      ASSERT_TRUE(reviews_->FollowRegister(event).ok());
      register_cursor_ = event.sequence();
    }
  }

  void AssessmentEvent(const google::protobuf::Message& resource, const std::string& name,
                       const std::string& action, const std::string& date = "2026-03-02") {
    events::v1::Event event;
    event.set_sequence(++assessment_sequence_);
    event.set_service("assessment");
    event.set_resource_name(name);
    event.set_action(action);
    event.mutable_resource()->PackFrom(resource);
    google::protobuf::util::TimeUtil::FromString(date + "T09:30:00Z",
                                                 event.mutable_commit_time());
    ASSERT_TRUE(reviews_->FollowAssessment(event).ok());
    // The register follows the same feed: it moves the partnership through its life cycle.
    ASSERT_TRUE(registry_->FollowAssessment(event).ok());
  }

  void Protocol(const assessment::Protocol& protocol) {
    AssessmentEvent(protocol, protocol.name(), "protocol_loaded");
  }

  // A partnership created in the register and taken through screening, assessment and
  // approval (approved on `approved`) by assessment events that both services follow.
  void Approve(const std::string& id, assessment::Tier tier, bool key,
               const std::string& protocol = "protocols/chorley",
               const std::string& approved = "2026-03-02") {
    registry::CreatePartnershipRequest create;
    create.set_partnership_id(id);
    create.mutable_partnership()->set_display_name("Partnership " + id);
    create.mutable_partnership()->set_lead_service("Policy");
    create.mutable_partnership()->set_key_partnership(key);
    create.mutable_partnership()->mutable_council_contribution()->set_money_pence(250000);
    create.mutable_partnership()->mutable_council_contribution()->set_in_kind_pence(50000);
    grpc::ClientContext ctx;
    registry::Partnership p;
    ASSERT_TRUE(registry_stub_->CreatePartnership(&ctx, create, &p).ok());
    const std::string name = "partnerships/" + id;
    assessment::Screening screening;
    screening.set_outcome(assessment::IS_PARTNERSHIP);
    AssessmentEvent(screening, name + "/screenings/s1", "screened");
    assessment::Assessment assessed;
    assessed.set_final_tier(tier);
    assessed.set_protocol(protocol);
    assessed.set_protocol_version(1);
    AssessmentEvent(assessed, name + "/assessments/a1", "assessed");
    assessment::Evaluation evaluation;
    evaluation.set_name(name + "/evaluations/e1");
    evaluation.set_kind(tier == assessment::MAJOR      ? assessment::FULL_EVALUATION
                        : tier == assessment::MODERATE ? assessment::BASIC_EVALUATION
                                                       : assessment::REGISTRATION);
    evaluation.set_state(assessment::Evaluation::SUBMITTED);
    AssessmentEvent(evaluation, evaluation.name(), "submitted", approved);
    evaluation.set_state(assessment::Evaluation::APPROVED);
    evaluation.mutable_memorandum_approval()->set_officer("governance");
    AssessmentEvent(evaluation, evaluation.name(), "approved", approved);
    SyncRegister();
  }

  v1::Schedule Schedule(const std::string& id) {
    v1::GetScheduleRequest request;
    request.set_name("partnerships/" + id + "/schedule");
    grpc::ClientContext ctx;
    v1::Schedule schedule;
    grpc::Status status = stub_->GetSchedule(&ctx, request, &schedule);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return schedule;
  }

  std::vector<std::string> Due(const std::string& as_of, bool overdue_only, int within = 0) {
    v1::ListDueItemsRequest request;
    request.set_as_of_date(as_of);
    request.set_overdue_only(overdue_only);
    request.set_within_days(within);
    request.set_page_size(2);
    std::vector<std::string> due;
    do {
      grpc::ClientContext ctx;
      v1::ListDueItemsResponse response;
      grpc::Status status = stub_->ListDueItems(&ctx, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& item : response.items()) {
        due.push_back(item.due_date() + " " + item.name() + (item.overdue() ? " overdue" : ""));
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return due;
  }

  std::vector<v1::AnomalyKind> Anomalies(const std::string& id, const std::string& as_of) {
    v1::GetComplianceRequest request;
    request.set_name("partnerships/" + id + "/compliance");
    request.set_as_of_date(as_of);
    grpc::ClientContext ctx;
    v1::Compliance compliance;
    grpc::Status status = stub_->GetCompliance(&ctx, request, &compliance);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<v1::AnomalyKind> kinds;
    for (const auto& a : compliance.anomalies()) kinds.push_back(a.kind());
    return kinds;
  }

  static void As(grpc::ClientContext& ctx, const std::string& officer, const std::string& roles) {
    ctx.AddMetadata("x-accord-officer", officer);
    ctx.AddMetadata("x-accord-roles", roles);
  }

  static v1::Review CompleteReview(assessment::ReviewType type) {
    v1::Review review;
    review.set_type(type);
    review.set_period_start("2026-03-02");
    review.set_period_end("2026-09-01");
    auto* m = review.add_performance();
    m->set_measure("Visits");
    m->set_target("1000");
    m->set_actual("1100");
    m->set_rating(v1::GREEN);
    review.set_on_budget(true);
    review.set_partners_strength("Stable");
    review.set_recommendation(v1::CONTINUE);
    review.set_completed_date("2026-10-01");
    return review;
  }

  grpc::Status CreateReview(const std::string& id, const v1::Review& review, v1::Review* out,
                            const std::string& officer = "dave",
                            const std::string& roles = "LEAD_OFFICER",
                            const std::string& request_id = "") {
    v1::CreateReviewRequest request;
    request.set_parent("partnerships/" + id);
    *request.mutable_review() = review;
    request.set_request_id(request_id);
    grpc::ClientContext ctx;
    if (!officer.empty()) As(ctx, officer, roles);
    return stub_->CreateReview(&ctx, request, out);
  }

  int64_t ReviewFeedLength() { return store_->latest_sequence(); }

  accord::testing::TempDir dir_;
  absl::CivilDay today_{2026, 10, 5};
  std::unique_ptr<storage::Store> registry_store_;
  std::unique_ptr<accord::registry::Registry> registry_;
  std::unique_ptr<accord::registry::RegistryServiceImpl> registry_service_;
  std::unique_ptr<grpc::Server> registry_server_;
  std::unique_ptr<registry::RegistryService::Stub> registry_stub_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<GrpcPartnershipRegister> register_;
  std::unique_ptr<Reviews> reviews_;
  std::unique_ptr<ReviewServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ReviewService::Stub> stub_;
  int64_t register_cursor_ = 0;
  int64_t assessment_sequence_ = 0;
};

TEST_F(ReviewGrpcTest, AnApprovedKeyPartnershipGetsItsScheduleFromTheApprovalDate) {
  Approve("lsp", assessment::MAJOR, true);
  v1::Schedule schedule = Schedule("lsp");
  EXPECT_EQ(schedule.state(), "ACTIVE");
  EXPECT_EQ(schedule.approval_date(), "2026-03-02");
  std::vector<std::string> items;
  for (const auto& item : schedule.items()) {
    items.push_back(item.due_date() + " " + assessment::ReviewType_Name(item.type()));
  }
  EXPECT_THAT(items, ElementsAre("2026-09-02 PERFORMANCE_REPORT", "2027-03-02 ANNUAL_REVIEW",
                                 "2027-03-02 GOVERNANCE_AGENDA", "2029-03-02 RELEVANCE_REVIEW"));
}

TEST_F(ReviewGrpcTest, DueAndOverdueAreListedInDueDateOrderAcrossPages) {
  Approve("lsp", assessment::MAJOR, true);
  Approve("youth", assessment::LIMITED, false, "protocols/chorley", "2025-09-30");
  EXPECT_THAT(Due("2026-09-02", true), IsEmpty());
  EXPECT_THAT(Due("2026-09-03", true),
              ElementsAre("2026-09-02 partnerships/lsp/schedule/PERFORMANCE_REPORT overdue"));
  EXPECT_THAT(Due("2026-09-03", false, 365),
              ElementsAre("2026-09-02 partnerships/lsp/schedule/PERFORMANCE_REPORT overdue",
                          "2026-09-30 partnerships/youth/schedule/SERVICE_PLAN_REVIEW",
                          "2027-03-02 partnerships/lsp/schedule/ANNUAL_REVIEW",
                          "2027-03-02 partnerships/lsp/schedule/GOVERNANCE_AGENDA"));
  v1::ListDueItemsRequest bad;
  bad.set_as_of_date("2026-02-29");
  grpc::ClientContext ctx;
  v1::ListDueItemsResponse response;
  grpc::Status status = stub_->ListDueItems(&ctx, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("as_of_date: must be a date"));
}

TEST_F(ReviewGrpcTest, CompletingAReviewSchedulesTheNextAndClearsTheOverdueAnomaly) {
  Approve("lsp", assessment::MAJOR, true);
  EXPECT_THAT(Anomalies("lsp", "2026-10-01"),
              ElementsAre(v1::EXIT_STRATEGY_MISSING, v1::REVIEW_OVERDUE));
  v1::Review review;
  EXPECT_EQ(CreateReview("lsp", CompleteReview(assessment::PERFORMANCE_REPORT), &review, "")
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::Review incomplete = CompleteReview(assessment::PERFORMANCE_REPORT);
  incomplete.clear_partners_strength();
  grpc::Status refused = CreateReview("lsp", incomplete, &review);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("review.partners_strength: is required"));
  EXPECT_THAT(api::FromGrpcStatus(refused).message(), HasSubstr("review.partners_strength"));
  grpc::Status unscheduled =
      CreateReview("lsp", CompleteReview(assessment::SERVICE_PLAN_REVIEW), &review);
  EXPECT_EQ(unscheduled.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(unscheduled.error_message(), HasSubstr("review.type"));

  int64_t before = ReviewFeedLength();
  grpc::Status created = CreateReview("lsp", CompleteReview(assessment::PERFORMANCE_REPORT),
                                      &review, "dave", "LEAD_OFFICER", "req-1");
  ASSERT_TRUE(created.ok()) << created.error_message();
  EXPECT_EQ(review.decided_by(), "dave");
  EXPECT_EQ(review.next_due_date(), "2027-04-01");
  EXPECT_EQ(ReviewFeedLength(), before + 1);
  v1::Review again;
  ASSERT_TRUE(CreateReview("lsp", CompleteReview(assessment::PERFORMANCE_REPORT), &again, "dave",
                           "LEAD_OFFICER", "req-1")
                  .ok());
  EXPECT_EQ(again.name(), review.name());
  EXPECT_EQ(ReviewFeedLength(), before + 1);
  EXPECT_THAT(Anomalies("lsp", "2026-10-02"), ElementsAre(v1::EXIT_STRATEGY_MISSING));
  EXPECT_THAT(Due("2026-10-02", true), IsEmpty());

  v1::ListReviewsRequest list;
  list.set_parent("partnerships/lsp");
  grpc::ClientContext ctx;
  v1::ListReviewsResponse listed;
  ASSERT_TRUE(stub_->ListReviews(&ctx, list, &listed).ok());
  ASSERT_EQ(listed.reviews_size(), 1);
  EXPECT_EQ(listed.reviews(0).name(), review.name());
}

TEST_F(ReviewGrpcTest, DerbyReviewsNeedABusinessCaseSignedByAStrategicDirector) {
  Approve("derby-leisure", assessment::MODERATE, false, "protocols/derby");
  v1::Review review = CompleteReview(assessment::ANNUAL_REVIEW);
  v1::Review out;
  grpc::Status missing = CreateReview("derby-leisure", review, &out, "erin", "STRATEGIC_DIRECTOR");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(missing.error_message(), HasSubstr("review.business_case.reference"));
  review.mutable_business_case()->set_reference("BC/2026/14");
  grpc::Status wrong = CreateReview("derby-leisure", review, &out, "dave", "HEAD_OF_SERVICE");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(wrong.error_message(), HasSubstr("STRATEGIC_DIRECTOR"));
  ASSERT_TRUE(CreateReview("derby-leisure", review, &out, "erin", "STRATEGIC_DIRECTOR").ok());
  EXPECT_EQ(out.business_case().signed_by(), "erin");
  EXPECT_EQ(out.next_due_date(), "2027-10-01");
}

TEST_F(ReviewGrpcTest, DroppingTheKeyFlagInTheRegisterReschedules) {
  Approve("lsp", assessment::MAJOR, true);
  ASSERT_EQ(Schedule("lsp").items_size(), 4);
  int64_t before = ReviewFeedLength();
  registry::UpdatePartnershipRequest update;
  update.mutable_partnership()->set_name("partnerships/lsp");
  update.mutable_partnership()->set_key_partnership(false);
  update.mutable_update_mask()->add_paths("key_partnership");
  grpc::ClientContext ctx;
  registry::Partnership p;
  ASSERT_TRUE(registry_stub_->UpdatePartnership(&ctx, update, &p).ok());
  SyncRegister();
  v1::Schedule schedule = Schedule("lsp");
  ASSERT_EQ(schedule.items_size(), 1);
  EXPECT_EQ(schedule.items(0).type(), assessment::ANNUAL_REVIEW);
  EXPECT_EQ(schedule.items(0).due_date(), "2027-03-02");
  auto events = store_->ReadEvents(before, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].action(), "rescheduled");
  // Applying the same register events again changes nothing.
  register_cursor_ = 0;
  SyncRegister();
  EXPECT_EQ(ReviewFeedLength(), before + 1);
}

TEST_F(ReviewGrpcTest, ExitStrategyPerformanceReportAndFormalExitThroughTheRegister) {
  Approve("lsp", assessment::MAJOR, true);
  Approve("youth", assessment::LIMITED, false);

  v1::UpdateExitStrategyRequest strategy;
  strategy.mutable_exit_strategy()->set_name("partnerships/lsp/exitStrategy");
  strategy.mutable_exit_strategy()->set_end_arrangements("Six months' notice");
  {
    grpc::ClientContext ctx;
    As(ctx, "dave", "LEAD_OFFICER");
    v1::ExitStrategy out;
    grpc::Status refused = stub_->UpdateExitStrategy(&ctx, strategy, &out);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(refused.error_message(), HasSubstr("exit_strategy.mainstreaming: is required"));
  }
  auto* s = strategy.mutable_exit_strategy();
  s->set_mainstreaming("Into the leisure service");
  s->set_council_leaving("Notice to the board");
  s->set_resources_returned("Pro rata to contributions");
  s->set_residual_liabilities("The accountable body");
  s->set_impact_assessment("Equality impact assessment");
  s->set_review_frequency("Annually");
  s->set_review_date("2027-03-01");
  {
    grpc::ClientContext ctx;
    As(ctx, "dave", "LEAD_OFFICER");
    v1::ExitStrategy out;
    ASSERT_TRUE(stub_->UpdateExitStrategy(&ctx, strategy, &out).ok());
    EXPECT_EQ(out.updated_by(), "dave");
  }
  EXPECT_THAT(Anomalies("lsp", "2026-03-03"), IsEmpty());

  v1::Review review;
  ASSERT_TRUE(CreateReview("lsp", CompleteReview(assessment::PERFORMANCE_REPORT), &review).ok());
  v1::CreatePerformanceReportRequest report_request;
  report_request.mutable_performance_report()->set_title("Key partnerships, to September 2026");
  v1::PerformanceReport report;
  {
    grpc::ClientContext ctx;
    As(ctx, "kim", "REGISTER_KEEPER");
    ASSERT_TRUE(stub_->CreatePerformanceReport(&ctx, report_request, &report).ok());
  }
  ASSERT_EQ(report.entries_size(), 1);  // youth is not a key partnership
  EXPECT_EQ(report.entries(0).partnership(), "partnerships/lsp");
  EXPECT_EQ(report.entries(0).latest_review().name(), review.name());

  // Council-wide: youth has no exit strategy; lsp's annual review is overdue in 2027-04.
  {
    v1::ListAnomaliesRequest request;
    request.set_as_of_date("2027-04-01");
    request.set_page_size(1);
    std::vector<std::string> seen;
    do {
      grpc::ClientContext ctx;
      v1::ListAnomaliesResponse response;
      ASSERT_TRUE(stub_->ListAnomalies(&ctx, request, &response).ok());
      for (const auto& a : response.anomalies()) {
        seen.push_back(a.partnership() + " " + v1::AnomalyKind_Name(a.kind()) + " " + a.detail());
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    EXPECT_THAT(seen,
                ElementsAre("partnerships/youth EXIT_STRATEGY_MISSING no exit strategy recorded",
                            "partnerships/lsp REVIEW_OVERDUE ANNUAL_REVIEW due 2027-03-02",
                            "partnerships/lsp REVIEW_OVERDUE GOVERNANCE_AGENDA due 2027-03-02",
                            "partnerships/youth REVIEW_OVERDUE SERVICE_PLAN_REVIEW due 2027-03-02"));
  }

  v1::CreateExitRequest exit;
  exit.set_parent("partnerships/lsp");
  exit.mutable_exit()->set_exit_date("2026-10-05");
  exit.mutable_exit()->set_residual_liabilities("Pension deficit stays with the trust");
  exit.set_request_id("exit-1");
  {
    grpc::ClientContext ctx;
    As(ctx, "carol", "EXECUTIVE");
    v1::Exit out;
    grpc::Status refused = stub_->CreateExit(&ctx, exit, &out);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(refused.error_message(), HasSubstr("exit.reason: is required"));
  }
  exit.mutable_exit()->set_reason("Aims achieved");
  v1::Exit recorded;
  {
    grpc::ClientContext ctx;
    As(ctx, "carol", "EXECUTIVE");
    grpc::Status status = stub_->CreateExit(&ctx, exit, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(recorded.decided_by(), "carol");
  {
    registry::GetPartnershipRequest get;
    get.set_name("partnerships/lsp");
    grpc::ClientContext ctx;
    registry::Partnership p;
    ASSERT_TRUE(registry_stub_->GetPartnership(&ctx, get, &p).ok());
    EXPECT_EQ(p.state(), registry::CLOSED);
    EXPECT_EQ(p.state_reason(), "Aims achieved");
  }
  {
    // A retry answers the same; a new exit is refused: a closed partnership is read-only.
    grpc::ClientContext ctx;
    As(ctx, "carol", "EXECUTIVE");
    v1::Exit again;
    ASSERT_TRUE(stub_->CreateExit(&ctx, exit, &again).ok());
    EXPECT_EQ(again.create_time().seconds(), recorded.create_time().seconds());
    exit.set_request_id("exit-2");
    grpc::ClientContext ctx2;
    As(ctx2, "carol", "EXECUTIVE");
    grpc::Status refused = stub_->CreateExit(&ctx2, exit, &again);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(api::ReasonOf(api::FromGrpcStatus(refused)), "PARTNERSHIP_CLOSED");
  }
  SyncRegister();
  EXPECT_THAT(Schedule("lsp").items(), IsEmpty());
  EXPECT_EQ(Schedule("lsp").state(), "CLOSED");
  EXPECT_THAT(Due("2030-01-01", true),
              ElementsAre(::testing::StartsWith("2027-03-02 partnerships/youth")));
  // The history is kept: the review is still there.
  v1::GetReviewRequest get_review;
  get_review.set_name(review.name());
  grpc::ClientContext ctx;
  v1::Review kept;
  EXPECT_TRUE(stub_->GetReview(&ctx, get_review, &kept).ok());

  // The annual report of the year the register recorded all this in.
  int year = static_cast<int>(absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year());
  v1::GetAnnualReportRequest annual;
  annual.set_name("annualReports/" + std::to_string(year));
  grpc::ClientContext actx;
  v1::AnnualReport figures;
  ASSERT_TRUE(stub_->GetAnnualReport(&actx, annual, &figures).ok());
  EXPECT_EQ(figures.entered(), 2);
  EXPECT_EQ(figures.exited(), 1);
  EXPECT_EQ(figures.partnerships(), 2);
  EXPECT_EQ(figures.committed_pence(), 600000);
  EXPECT_THAT(figures.csv(), HasSubstr("movement,exited,1"));
}

TEST_F(ReviewGrpcTest, ExitOfAPartnershipTheRegisterDoesNotAllowIsRefusedAndWritesNothing) {
  registry::CreatePartnershipRequest create;
  create.set_partnership_id("proposal");
  create.mutable_partnership()->set_display_name("Proposal");
  create.mutable_partnership()->set_lead_service("Policy");
  grpc::ClientContext cctx;
  registry::Partnership p;
  ASSERT_TRUE(registry_stub_->CreatePartnership(&cctx, create, &p).ok());
  SyncRegister();
  int64_t before = ReviewFeedLength();
  v1::CreateExitRequest exit;
  exit.set_parent("partnerships/proposal");
  exit.mutable_exit()->set_exit_date("2026-10-05");
  exit.mutable_exit()->set_residual_liabilities("none");
  exit.mutable_exit()->set_reason("Not pursued");
  grpc::ClientContext ctx;
  As(ctx, "carol", "EXECUTIVE");
  v1::Exit out;
  grpc::Status status = stub_->CreateExit(&ctx, exit, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("PROPOSED"));
  EXPECT_EQ(ReviewFeedLength(), before);
  EXPECT_THAT(Anomalies("proposal", "2026-10-05"), ElementsAre(v1::NOT_SCREENED));
}

}  // namespace
}  // namespace accord::review
