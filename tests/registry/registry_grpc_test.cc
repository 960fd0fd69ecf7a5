// The register over real gRPC (in-process server on a kernel-picked port) and a real
// RocksDB in a temporary folder.
#include <thread>

#include "accord/assessment/v1/assessment.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/api/errors.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/error_info.pb.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "tests/common/temp_dir.h"

namespace accord::registry {
namespace {

using ::testing::HasSubstr;

class RegistryGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open({.path = dir_.path(), .service = "registry",
                                       .schema_version = 1,
                                       .column_families = Registry::ColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    registry_ = std::make_unique<Registry>(store_.get());
    service_ = std::make_unique<RegistryServiceImpl>(registry_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    stub_ = v1::RegistryService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    service_->CloseStreams();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  grpc::Status Create(const std::string& id, const std::string& display_name,
                      v1::Partnership* out, const std::string& lead_service = "Policy",
                      const std::string& request_id = "") {
    v1::CreatePartnershipRequest request;
    request.set_partnership_id(id);
    request.mutable_partnership()->set_display_name(display_name);
    request.mutable_partnership()->set_lead_service(lead_service);
    request.set_request_id(request_id);
    grpc::ClientContext ctx;
    return stub_->CreatePartnership(&ctx, request, out);
  }

  grpc::Status Move(const std::string& id, v1::State state, v1::Partnership* out,
                    const std::string& reason = "") {
    v1::TransitionPartnershipRequest request;
    request.set_name("partnerships/" + id);
    request.set_state(state);
    request.set_reason(reason);
    grpc::ClientContext ctx;
    return stub_->TransitionPartnership(&ctx, request, out);
  }

  // Plays the assessment service's part: feeds the register the event that moves `id`
  // forward ("screened", "assessed", "submitted", "approved", "rejected").
  absl::Status Follow(const std::string& id, const std::string& action,
                      assessment::v1::Tier tier = assessment::v1::MODERATE) {
    events::v1::Event event;
    event.set_sequence(++assessment_sequence_);
    event.set_service("assessment");
    event.set_action(action);
    if (action == "screened") {
      assessment::v1::Screening screening;
      screening.set_name("partnerships/" + id + "/screenings/s1");
      screening.set_outcome(assessment::v1::IS_PARTNERSHIP);
      event.mutable_resource()->PackFrom(screening);
    } else if (action == "assessed") {
      assessment::v1::Assessment assessed;
      assessed.set_name("partnerships/" + id + "/assessments/a1");
      assessed.set_final_tier(tier);
      event.mutable_resource()->PackFrom(assessed);
    } else {
      assessment::v1::Evaluation evaluation;
      evaluation.set_name("partnerships/" + id + "/evaluations/e1");
      evaluation.set_rejection_reason("incomplete business case");
      event.mutable_resource()->PackFrom(evaluation);
    }
    event.set_resource_name("partnerships/" + id + "/record");
    return registry_->FollowAssessment(event);
  }

  // Takes `id` from PROPOSED to ACTIVE the way the assessment service does.
  void Approve(const std::string& id) {
    for (const char* action : {"screened", "assessed", "submitted", "approved"}) {
      ASSERT_TRUE(Follow(id, action).ok()) << action;
    }
    ASSERT_EQ(registry_->Get("partnerships/" + id)->state(), v1::ACTIVE);
  }

  std::vector<std::string> Names(const v1::ListPartnershipsRequest& request,
                                 std::string* next = nullptr) {
    grpc::ClientContext ctx;
    v1::ListPartnershipsResponse response;
    grpc::Status status = stub_->ListPartnerships(&ctx, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const auto& p : response.partnerships()) names.push_back(p.name());
    if (next) *next = response.next_page_token();
    return names;
  }

  static std::vector<std::string> Violations(const grpc::Status& status) {
    google::rpc::Status rpc;
    rpc.ParseFromString(status.error_details());
    std::vector<std::string> fields;
    for (const auto& detail : rpc.details()) {
      google::rpc::BadRequest bad_request;
      if (detail.UnpackTo(&bad_request)) {
        for (const auto& v : bad_request.field_violations()) fields.push_back(v.field());
      }
    }
    return fields;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<RegistryServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  int64_t assessment_sequence_ = 0;
};

TEST_F(RegistryGrpcTest, CreatedPartnershipCanBeReadBack) {
  v1::Partnership created;
  ASSERT_TRUE(Create("leisure-trust", "Leisure Trust", &created).ok());
  EXPECT_EQ(created.name(), "partnerships/leisure-trust");
  EXPECT_EQ(created.state(), v1::PROPOSED);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());

  grpc::ClientContext ctx;
  v1::GetPartnershipRequest get;
  get.set_name("partnerships/leisure-trust");
  v1::Partnership read;
  ASSERT_TRUE(stub_->GetPartnership(&ctx, get, &read).ok());
  EXPECT_EQ(read.SerializeAsString(), created.SerializeAsString());
}

TEST_F(RegistryGrpcTest, GeneratedIdIsUsedWhenNoneIsGiven) {
  v1::Partnership created;
  ASSERT_TRUE(Create("", "Anonymous", &created).ok());
  EXPECT_THAT(created.name(), ::testing::MatchesRegex("partnerships/p-[0-9a-f]{16}"));
}

TEST_F(RegistryGrpcTest, OutputOnlyFieldsOnCreateAreIgnored) {
  v1::CreatePartnershipRequest request;
  request.set_partnership_id("sneaky");
  request.mutable_partnership()->set_display_name("Sneaky");
  request.mutable_partnership()->set_lead_service("Policy");
  request.mutable_partnership()->set_state(v1::ACTIVE);
  request.mutable_partnership()->set_tier(v1::MAJOR);
  request.mutable_partnership()->set_etag("999");
  grpc::ClientContext ctx;
  v1::Partnership created;
  ASSERT_TRUE(stub_->CreatePartnership(&ctx, request, &created).ok());
  EXPECT_EQ(created.state(), v1::PROPOSED);
  EXPECT_EQ(created.tier(), v1::TIER_UNSPECIFIED);
  EXPECT_NE(created.etag(), "999");
}

TEST_F(RegistryGrpcTest, InvalidCreateNamesTheFieldsAndWritesNothing) {
  v1::Partnership out;
  grpc::Status status = Create("ok-id", "", &out, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ::testing::UnorderedElementsAre(
                                      "partnership.display_name", "partnership.lead_service"));
  EXPECT_EQ(store_->latest_sequence(), 0);
  EXPECT_TRUE(Names({}).empty());

  status = Create("Bad_Id", "Name", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ::testing::ElementsAre("partnership_id"));
  EXPECT_EQ(store_->latest_sequence(), 0);
}

TEST_F(RegistryGrpcTest, DuplicateIdIsAlreadyExistsAndKeepsTheFirst) {
  v1::Partnership out;
  ASSERT_TRUE(Create("dup", "First", &out).ok());
  grpc::Status status = Create("dup", "Second", &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("partnership_id"));
  auto read = registry_->Get("partnerships/dup");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->display_name(), "First");
  EXPECT_EQ(store_->latest_sequence(), 1);
}

TEST_F(RegistryGrpcTest, RepeatedRequestIdReturnsTheFirstAnswerAndWritesOnce) {
  v1::Partnership first, second;
  ASSERT_TRUE(Create("", "Retried", &first, "Policy", "req-123").ok());
  ASSERT_TRUE(Create("", "Retried", &second, "Policy", "req-123").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(first.etag(), second.etag());
  EXPECT_EQ(store_->latest_sequence(), 1);
  EXPECT_EQ(Names({}).size(), 1u);

  grpc::Status reused = Create("", "Something else", &second, "Policy", "req-123");
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(reused), ::testing::ElementsAre("request_id"));
}

TEST_F(RegistryGrpcTest, UnknownPartnershipIsNotFound) {
  grpc::ClientContext ctx;
  v1::GetPartnershipRequest get;
  get.set_name("partnerships/nobody");
  v1::Partnership out;
  grpc::Status status = stub_->GetPartnership(&ctx, get, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("partnerships/nobody"));

  grpc::ClientContext ctx2;
  get.set_name("nonsense");
  EXPECT_EQ(stub_->GetPartnership(&ctx2, get, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryGrpcTest, UpdateWithMaskAndEtagChangesOnlyTheNamedFields) {
  v1::Partnership created;
  ASSERT_TRUE(Create("upd", "Before", &created).ok());
  v1::UpdatePartnershipRequest request;
  request.mutable_partnership()->set_name(created.name());
  request.mutable_partnership()->set_display_name("After");
  request.mutable_partnership()->set_lead_service("ignored: not in mask");
  request.mutable_update_mask()->add_paths("display_name");
  request.set_etag(created.etag());
  grpc::ClientContext ctx;
  v1::Partnership updated;
  ASSERT_TRUE(stub_->UpdatePartnership(&ctx, request, &updated).ok());
  EXPECT_EQ(updated.display_name(), "After");
  EXPECT_EQ(updated.lead_service(), "Policy");
  EXPECT_NE(updated.etag(), created.etag());

  // The same etag again is now stale: ABORTED, and nothing changes.
  request.mutable_partnership()->set_display_name("Lost update");
  grpc::ClientContext ctx2;
  v1::Partnership out;
  grpc::Status status = stub_->UpdatePartnership(&ctx2, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(status.error_message(), HasSubstr("etag"));
  EXPECT_EQ(registry_->Get(created.name())->display_name(), "After");
}

TEST_F(RegistryGrpcTest, UpdateOfOutputOnlyFieldIsRefused) {
  v1::Partnership created;
  ASSERT_TRUE(Create("read-only", "Read only state", &created).ok());
  v1::UpdatePartnershipRequest request;
  request.mutable_partnership()->set_name(created.name());
  request.mutable_partnership()->set_state(v1::ACTIVE);
  request.mutable_update_mask()->add_paths("state");
  grpc::ClientContext ctx;
  v1::Partnership out;
  grpc::Status status = stub_->UpdatePartnership(&ctx, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ::testing::ElementsAre("update_mask"));
  EXPECT_EQ(registry_->Get(created.name())->state(), v1::PROPOSED);
}

TEST_F(RegistryGrpcTest, UpdateThatBreaksARuleIsRefused) {
  v1::Partnership created;
  ASSERT_TRUE(Create("rule", "Rule", &created).ok());
  v1::UpdatePartnershipRequest request;
  request.mutable_partnership()->set_name(created.name());
  request.mutable_update_mask()->add_paths("display_name");
  grpc::ClientContext ctx;
  v1::Partnership out;
  grpc::Status status = stub_->UpdatePartnership(&ctx, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status), ::testing::ElementsAre("partnership.display_name"));
  EXPECT_EQ(registry_->Get(created.name())->etag(), created.etag());
}

TEST_F(RegistryGrpcTest, LifeCycleMovesAreCheckedAndRecorded) {
  v1::Partnership p;
  ASSERT_TRUE(Create("life", "Life", &p).ok());
  grpc::Status illegal = Move("life", v1::ACTIVE, &p);
  EXPECT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(illegal.error_message(), HasSubstr("cannot move to ACTIVE"));
  ASSERT_NO_FATAL_FAILURE(Approve("life"));
  EXPECT_EQ(Move("life", v1::EXITING, &p).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Move("life", v1::UNDER_REVIEW, &p).ok());
  ASSERT_TRUE(Move("life", v1::EXITING, &p, "objectives met").ok());
  ASSERT_TRUE(Move("life", v1::CLOSED, &p, "exit complete").ok());
  EXPECT_EQ(p.state_reason(), "exit complete");

  // A closed partnership keeps its record: no update, no delete.
  v1::UpdatePartnershipRequest update;
  update.mutable_partnership()->set_name(p.name());
  update.mutable_partnership()->set_display_name("Renamed");
  grpc::ClientContext ctx;
  v1::Partnership out;
  EXPECT_EQ(stub_->UpdatePartnership(&ctx, update, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::DeletePartnershipRequest del;
  del.set_name(p.name());
  grpc::ClientContext ctx2;
  google::protobuf::Empty empty;
  EXPECT_EQ(stub_->DeletePartnership(&ctx2, del, &empty).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(registry_->Get(p.name()).ok());
}

TEST_F(RegistryGrpcTest, ScreeningAssessmentAndApprovalStatesCannotBeSetByHand) {
  v1::Partnership p;
  ASSERT_TRUE(Create("by-hand", "By hand", &p).ok());
  grpc::Status screened = Move("by-hand", v1::SCREENED, &p);
  EXPECT_EQ(screened.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(screened.error_message(), HasSubstr("record a screening"));
  ASSERT_TRUE(Follow("by-hand", "screened").ok());
  ASSERT_TRUE(Follow("by-hand", "assessed", assessment::v1::MAJOR).ok());
  ASSERT_TRUE(Follow("by-hand", "submitted").ok());
  grpc::Status approved = Move("by-hand", v1::ACTIVE, &p);
  EXPECT_EQ(approved.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(approved.error_message(), HasSubstr("sign off the evaluation"));
  auto read = registry_->Get("partnerships/by-hand");
  EXPECT_EQ(read->state(), v1::AWAITING_APPROVAL);
  EXPECT_EQ(read->tier(), v1::MAJOR);
}

TEST_F(RegistryGrpcTest, AFeedEventIsAppliedOnceEvenWhenDeliveredAgain) {
  v1::Partnership p;
  ASSERT_TRUE(Create("twice", "Twice", &p).ok());
  ASSERT_TRUE(Follow("twice", "screened").ok());
  int64_t after_first = store_->latest_sequence();
  // The same event again (a follower resuming from an older cursor, say): skipped.
  --assessment_sequence_;
  ASSERT_TRUE(Follow("twice", "screened").ok());
  EXPECT_EQ(store_->latest_sequence(), after_first);
  auto cursor = storage::ReadCursor(*store_, "assessment");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, assessment_sequence_);
  // An event that changes nothing (a second screening in) still advances the cursor, with
  // no register event.
  ASSERT_TRUE(Follow("twice", "screened").ok());
  EXPECT_EQ(store_->latest_sequence(), after_first);
  EXPECT_EQ(*storage::ReadCursor(*store_, "assessment"), assessment_sequence_);
  EXPECT_EQ(registry_->Get("partnerships/twice")->state(), v1::SCREENED);
}

TEST_F(RegistryGrpcTest, AnActTheLifeCycleForbidsIsRefusedOnTheFeedAndChangesNothing) {
  v1::Partnership p;
  ASSERT_TRUE(Create("early", "Early", &p).ok());
  ASSERT_TRUE(Follow("early", "screened").ok());
  v1::Partnership before = *registry_->Get("partnerships/early");
  int64_t sequence = store_->latest_sequence();
  // A sign-off of a partnership not even assessed: the register keeps its record and says,
  // once, on its feed which record it refused, so that the assessment service voids it.
  ASSERT_TRUE(Follow("early", "approved").ok());
  EXPECT_EQ(registry_->Get("partnerships/early")->SerializeAsString(), before.SerializeAsString());
  auto events = store_->ReadEvents(sequence, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].action(), "refused:approved");
  EXPECT_EQ((*events)[0].resource_name(), "partnerships/early/record");
  v1::Partnership carried;
  ASSERT_TRUE((*events)[0].resource().UnpackTo(&carried));
  EXPECT_EQ(carried.state(), v1::SCREENED);  // the state that refused it
  // Delivered again: nothing more.
  --assessment_sequence_;
  ASSERT_TRUE(Follow("early", "approved").ok());
  EXPECT_EQ(store_->latest_sequence(), sequence + 1);
}

TEST_F(RegistryGrpcTest, ClosedPartnershipRefusesLaterAssessmentsAndKeepsItsTier) {
  v1::Partnership p;
  ASSERT_TRUE(Create("closing", "Closing", &p).ok());
  ASSERT_NO_FATAL_FAILURE(Approve("closing"));
  ASSERT_TRUE(Move("closing", v1::EXITING, &p, "done").ok());
  ASSERT_TRUE(Move("closing", v1::CLOSED, &p, "done").ok());
  v1::Partnership closed = *registry_->Get("partnerships/closing");
  int64_t sequence = store_->latest_sequence();
  // An assessment the assessment service accepted a moment before it heard of the close.
  ASSERT_TRUE(Follow("closing", "assessed", assessment::v1::MAJOR).ok());
  v1::Partnership after = *registry_->Get("partnerships/closing");
  EXPECT_EQ(after.tier(), v1::MODERATE);
  EXPECT_EQ(after.SerializeAsString(), closed.SerializeAsString());
  auto events = store_->ReadEvents(sequence, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].action(), "refused:assessed");
}

TEST_F(RegistryGrpcTest, StateReasonFollowsTheLatestAssessment) {
  v1::Partnership p;
  ASSERT_TRUE(Create("rescored", "Rescored", &p).ok());
  ASSERT_TRUE(Follow("rescored", "screened").ok());
  EXPECT_EQ(registry_->Get("partnerships/rescored")->state_reason(), "screened: IS_PARTNERSHIP");
  ASSERT_TRUE(Follow("rescored", "assessed", assessment::v1::LIMITED).ok());
  EXPECT_EQ(registry_->Get("partnerships/rescored")->state_reason(), "assessed: LIMITED");
  ASSERT_TRUE(Follow("rescored", "assessed", assessment::v1::MAJOR).ok());
  auto read = registry_->Get("partnerships/rescored");
  EXPECT_EQ(read->tier(), v1::MAJOR);
  EXPECT_EQ(read->state_reason(), "assessed: MAJOR");
}

TEST_F(RegistryGrpcTest, PublicFilterCannotRevealAConfidentialLeadService) {
  v1::CreatePartnershipRequest request;
  request.set_partnership_id("secret-lead");
  request.mutable_partnership()->set_display_name("Secret lead");
  request.mutable_partnership()->set_lead_service("Housing");
  request.mutable_partnership()->add_confidential_groups(v1::LEAD);
  grpc::ClientContext ctx;
  v1::Partnership created;
  ASSERT_TRUE(stub_->CreatePartnership(&ctx, request, &created).ok());
  v1::ListPartnershipsRequest list;
  list.set_filter("lead_service = Housing");
  EXPECT_EQ(registry_->List(list)->partnerships_size(), 1);
  EXPECT_EQ(registry_->ListPublic(list)->partnerships_size(), 0);
}

TEST_F(RegistryGrpcTest, ProposedPartnershipCanBeDeleted) {
  v1::Partnership p;
  ASSERT_TRUE(Create("gone", "Gone", &p).ok());
  v1::DeletePartnershipRequest del;
  del.set_name(p.name());
  grpc::ClientContext ctx;
  google::protobuf::Empty empty;
  ASSERT_TRUE(stub_->DeletePartnership(&ctx, del, &empty).ok());
  EXPECT_EQ(registry_->Get(p.name()).status().code(), absl::StatusCode::kNotFound);
  v1::ListPartnershipsRequest list;
  list.set_filter("state = PROPOSED");
  EXPECT_TRUE(Names(list).empty());
}

TEST_F(RegistryGrpcTest, ListFiltersUsesIndexesAndPagesWithoutRepeats) {
  v1::Partnership p;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Create(absl::StrCat("p", i, "-x"), absl::StrCat("P", i), &p,
                       i % 2 ? "Housing" : "Leisure")
                    .ok());
  }
  ASSERT_TRUE(Follow("p0-x", "screened").ok());
  ASSERT_TRUE(Follow("p2-x", "screened").ok());
  ASSERT_TRUE(Follow("p3-x", "screened").ok());

  v1::ListPartnershipsRequest request;
  request.set_filter("state = SCREENED AND lead_service = Leisure");
  EXPECT_THAT(Names(request),
              ::testing::ElementsAre("partnerships/p0-x", "partnerships/p2-x"));

  request.set_filter("lead_service != Leisure");
  EXPECT_THAT(Names(request), ::testing::ElementsAre("partnerships/p1-x", "partnerships/p3-x",
                                                     "partnerships/p5-x"));

  // Pages of 3 over 7 records, newest change first.
  request.set_filter("");
  request.set_order_by("update_time desc");
  request.set_page_size(3);
  std::vector<std::string> all;
  std::string token;
  int pages = 0;
  do {
    request.set_page_token(token);
    auto names = Names(request, &token);
    all.insert(all.end(), names.begin(), names.end());
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0], "partnerships/p3-x");  // the last one changed
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 7u);

  request.set_order_by("name desc");
  request.set_page_token("");
  request.set_page_size(2);
  EXPECT_THAT(Names(request), ::testing::ElementsAre("partnerships/p6-x", "partnerships/p5-x"));
}

TEST_F(RegistryGrpcTest, BadListArgumentsAreInvalidArgumentNamingTheField) {
  v1::Partnership p;
  ASSERT_TRUE(Create("one", "One", &p).ok());
  ASSERT_TRUE(Create("two", "Two", &p).ok());
  struct Case {
    std::function<void(v1::ListPartnershipsRequest&)> set;
    std::string field;
  };
  std::string token;
  v1::ListPartnershipsRequest first;
  first.set_page_size(1);
  Names(first, &token);
  ASSERT_FALSE(token.empty());
  std::vector<Case> cases = {
      {[](auto& r) { r.set_filter("state = OPEN"); }, "filter"},
      {[](auto& r) { r.set_filter("colour = red"); }, "filter"},
      {[](auto& r) { r.set_page_token("garbage"); }, "page_token"},
      {[&](auto& r) { r.set_page_token(token); r.set_filter("state = PROPOSED"); }, "page_token"},
      {[](auto& r) { r.set_order_by("colour"); }, "order_by"},
      {[](auto& r) { r.set_page_size(-5); }, "page_size"},
  };
  for (const Case& c : cases) {
    v1::ListPartnershipsRequest request;
    c.set(request);
    grpc::ClientContext ctx;
    v1::ListPartnershipsResponse response;
    grpc::Status status = stub_->ListPartnerships(&ctx, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(Violations(status), ::testing::ElementsAre(c.field));
  }
}

TEST_F(RegistryGrpcTest, PublicViewHidesConfidentialGroups) {
  v1::CreatePartnershipRequest request;
  request.set_partnership_id("public-one");
  auto* p = request.mutable_partnership();
  p->set_display_name("Public One");
  p->set_lead_service("Policy");
  p->set_remit("Visible remit");
  p->mutable_council_contribution()->set_money_pence(123456);
  p->add_confidential_groups(v1::CONTRIBUTION);
  grpc::ClientContext ctx;
  v1::Partnership created;
  ASSERT_TRUE(stub_->CreatePartnership(&ctx, request, &created).ok());

  v1::AddMeetingNoteRequest note;
  note.set_name(created.name());
  note.mutable_note()->set_meeting_date("2026-11-01");
  note.mutable_note()->set_text("confidential minutes");
  grpc::ClientContext ctx2;
  ctx2.AddMetadata("x-accord-officer", "minute-taker");
  ASSERT_TRUE(stub_->AddMeetingNote(&ctx2, note, &created).ok());
  EXPECT_EQ(created.meeting_notes_size(), 1);
  EXPECT_EQ(created.meeting_notes(0).author(), "minute-taker");

  v1::GetPartnershipRequest get;
  get.set_name(created.name());
  grpc::ClientContext ctx3;
  v1::PublicPartnership view;
  ASSERT_TRUE(stub_->GetPublicPartnership(&ctx3, get, &view).ok());
  EXPECT_EQ(view.remit(), "Visible remit");
  EXPECT_FALSE(view.has_council_contribution());
  EXPECT_EQ(view.SerializeAsString().find("confidential minutes"), std::string::npos);
}

TEST_F(RegistryGrpcTest, MeetingNoteAndSummaryAreValidated) {
  v1::Partnership p;
  ASSERT_TRUE(Create("notes", "Notes", &p).ok());
  v1::AddMeetingNoteRequest note;
  note.set_name(p.name());
  note.mutable_note()->set_meeting_date("yesterday");
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-accord-officer", "keeper");
  grpc::Status status = stub_->AddMeetingNote(&ctx, note, &p);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ::testing::UnorderedElementsAre("note.meeting_date", "note.text"));

  v1::AddAnnualSummaryRequest summary;
  summary.set_name(p.name());
  summary.mutable_summary()->set_year(2026);
  summary.mutable_summary()->set_text("A good year");
  // Who wrote it is part of the record: a call that names nobody writes nothing.
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->AddAnnualSummary(&anonymous, summary, &p).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(registry_->Get(p.name())->annual_summaries_size(), 0);
  grpc::ClientContext ctx2;
  ctx2.AddMetadata("x-accord-officer", "keeper");
  ASSERT_TRUE(stub_->AddAnnualSummary(&ctx2, summary, &p).ok());
  EXPECT_EQ(p.annual_summaries(0).author(), "keeper");
  grpc::ClientContext ctx3;
  ctx3.AddMetadata("x-accord-officer", "keeper");
  EXPECT_EQ(stub_->AddAnnualSummary(&ctx3, summary, &p).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(registry_->Get(p.name())->annual_summaries_size(), 1);
}

TEST_F(RegistryGrpcTest, ChangeFeedListsAndStreamsEveryChangeInOrder) {
  v1::Partnership p;
  ASSERT_TRUE(Create("feed-a", "A", &p).ok());
  ASSERT_TRUE(Follow("feed-a", "screened").ok());

  events::v1::ListEventsRequest list;
  grpc::ClientContext ctx;
  events::v1::ListEventsResponse page;
  ASSERT_TRUE(stub_->ListEvents(&ctx, list, &page).ok());
  ASSERT_EQ(page.events_size(), 2);
  EXPECT_EQ(page.events(0).kind(), events::v1::CREATED);
  EXPECT_EQ(page.events(1).kind(), events::v1::STATE_CHANGED);
  EXPECT_EQ(page.next_after_sequence(), 2);
  EXPECT_EQ(page.latest_sequence(), 2);
  v1::Partnership after;
  ASSERT_TRUE(page.events(1).resource().UnpackTo(&after));
  EXPECT_EQ(after.state(), v1::SCREENED);

  // Resume after sequence 1: the stream sends 2, then a change made while it is open.
  grpc::ClientContext stream_ctx;
  events::v1::StreamEventsRequest from;
  from.set_after_sequence(1);
  auto reader = stub_->StreamEvents(&stream_ctx, from);
  events::v1::Event event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 2);
  std::thread writer([&] {
    v1::Partnership q;
    EXPECT_TRUE(Create("feed-b", "B", &q).ok());
  });
  ASSERT_TRUE(reader->Read(&event));
  writer.join();
  EXPECT_EQ(event.sequence(), 3);
  EXPECT_EQ(event.resource_name(), "partnerships/feed-b");
  stream_ctx.TryCancel();
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(RegistryGrpcTest, ClosingStreamsEndsThemWithUnavailable) {
  grpc::ClientContext stream_ctx;
  auto reader = stub_->StreamEvents(&stream_ctx, events::v1::StreamEventsRequest());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  service_->CloseStreams();
  events::v1::Event event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace accord::registry
