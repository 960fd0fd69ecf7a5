// End to end through the real gateway and register processes, over REST/JSON and gRPC.
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

namespace v1 = accord::registry::v1;
using ::testing::HasSubstr;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status << " in " << json;
  return message;
}

// The parts of an AIP-193 error body the tests check.
struct RestError {
  int code = 0;
  std::string status;
  std::string message;
  std::vector<std::string> fields;
  std::string reason;
};

RestError ParseError(const HttpResponse& response) {
  RestError out;
  auto body = FromJson<google::protobuf::Struct>(response.body);
  const auto& error = body.fields().at("error").struct_value();
  out.code = static_cast<int>(error.fields().at("code").number_value());
  out.status = error.fields().at("status").string_value();
  out.message = error.fields().at("message").string_value();
  if (error.fields().count("details")) {
    for (const auto& detail : error.fields().at("details").list_value().values()) {
      const auto& f = detail.struct_value().fields();
      if (f.count("reason")) out.reason = f.at("reason").string_value();
      if (f.count("fieldViolations")) {
        for (const auto& v : f.at("fieldViolations").list_value().values()) {
          out.fields.push_back(v.struct_value().fields().at("field").string_value());
        }
      }
    }
  }
  return out;
}

class GatewayEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    EXPECT_TRUE(stack_->StopGracefully()) << "a process did not exit 0 on SIGTERM";
    delete stack_;
  }
  void SetUp() override { ASSERT_TRUE(stack_->ok()) << stack_->error(); }

  // Calls the gateway with the stack's API key; an x-accord-officer with x-accord-roles is
  // first put in the officer directory (the gateway takes roles from there, not the call).
  static HttpResponse Rest(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           std::map<std::string, std::string> headers = {}) {
    if (!headers.count("x-accord-officer")) {
      // Acts are recorded with the officer who does them: the register keeper by default;
      // an empty x-accord-officer sends none.
      headers.emplace("x-accord-officer", "keeper");
      headers.emplace("x-accord-roles", "REGISTER_KEEPER");
    } else if (headers["x-accord-officer"].empty()) {
      headers.erase("x-accord-officer");
    }
    if (headers.count("x-accord-officer") && headers.count("x-accord-roles")) {
      EXPECT_TRUE(stack_->EnsureOfficer(headers["x-accord-officer"], headers["x-accord-roles"]));
    }
    headers.merge(stack_->Auth());
    return HttpCall(stack_->gateway_http_port(), method, target, body, headers);
  }

  // A gRPC call acting for the register keeper (acts are recorded with their officer).
  static void AsKeeper(grpc::ClientContext& ctx) {
    EXPECT_TRUE(stack_->EnsureOfficer("keeper", "REGISTER_KEEPER"));
    ctx.AddMetadata("x-accord-officer", "keeper");
  }

  // The register keeper: the only officer who may move a partnership's state by hand.
  static std::map<std::string, std::string> Keeper() {
    return {{"x-accord-officer", "keeper"}, {"x-accord-roles", "REGISTER_KEEPER"}};
  }

  static int64_t LatestSequence() {
    auto response = Rest("GET", "/v1/registry/events?pageSize=1");
    EXPECT_EQ(response.status, 200) << response.body;
    return FromJson<events::v1::ListEventsResponse>(response.body).latest_sequence();
  }

  static std::unique_ptr<v1::RegistryService::Stub> GatewayStub() {
    return v1::RegistryService::NewStub(stack_->GatewayChannel());
  }

  static Stack* stack_;
};

Stack* GatewayEndToEnd::stack_ = nullptr;

TEST_F(GatewayEndToEnd, RestCreateGetListUpdateTransitionAndFeed) {
  auto created = Rest("POST", "/v1/partnerships?partnershipId=rest-one&requestId=r-1",
                      R"({"displayName":"Rest One","leadService":"Leisure",
                          "partners":[{"organisation":"Active Derbyshire","sector":"PUBLIC"}],
                          "councilContribution":{"moneyPence":"2500000"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto p = FromJson<v1::Partnership>(created.body);
  EXPECT_EQ(p.name(), "partnerships/rest-one");
  EXPECT_EQ(p.state(), v1::PROPOSED);
  EXPECT_EQ(p.council_contribution().money_pence(), 2500000);
  EXPECT_EQ(created.headers["content-type"].rfind("application/json", 0), 0u);

  // A retry with the same request id answers the same and writes nothing more.
  int64_t before_retry = LatestSequence();
  auto retried = Rest("POST", "/v1/partnerships?partnershipId=rest-one&requestId=r-1",
                      R"({"displayName":"Rest One","leadService":"Leisure",
                          "partners":[{"organisation":"Active Derbyshire","sector":"PUBLIC"}],
                          "councilContribution":{"moneyPence":"2500000"}})");
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(FromJson<v1::Partnership>(retried.body).etag(), p.etag());
  EXPECT_EQ(LatestSequence(), before_retry);

  auto got = Rest("GET", "/v1/partnerships/rest-one");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(FromJson<v1::Partnership>(got.body).display_name(), "Rest One");

  auto listed = Rest("GET", "/v1/partnerships?filter=lead_service%20%3D%20Leisure&pageSize=5");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list = FromJson<v1::ListPartnershipsResponse>(listed.body);
  ASSERT_GE(list.partnerships_size(), 1);
  for (const auto& item : list.partnerships()) EXPECT_EQ(item.lead_service(), "Leisure");

  auto updated = Rest("PATCH", "/v1/partnerships/rest-one?updateMask=remit",
                      absl::StrCat(R"({"remit":"Runs leisure centres","etag":")", p.etag(),
                                   R"("})"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto after = FromJson<v1::Partnership>(updated.body);
  EXPECT_EQ(after.remit(), "Runs leisure centres");
  EXPECT_EQ(after.display_name(), "Rest One");

  auto stale = Rest("PATCH", "/v1/partnerships/rest-one?updateMask=remit",
                    absl::StrCat(R"({"remit":"Lost","etag":")", p.etag(), R"("})"));
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(ParseError(stale).status, "ABORTED");
  EXPECT_EQ(ParseError(stale).reason, "STALE_ETAG");

  // Screening is the assessment service's; the register follows its feed.
  auto by_hand = Rest("POST", "/v1/partnerships/rest-one:transition", R"({"state":"SCREENED"})",
                      Keeper());
  EXPECT_EQ(by_hand.status, 400) << by_hand.body;
  EXPECT_EQ(ParseError(by_hand).reason, "SET_BY_ASSESSMENT");
  auto screened = Rest("POST", "/v1/partnerships/rest-one/screenings",
                       R"({"outcome":"IS_PARTNERSHIP","justification":"Joint leisure trust"})");
  ASSERT_EQ(screened.status, 200) << screened.body;
  bool reflected = false;
  for (int i = 0; i < 2000 && !reflected; ++i) {
    reflected = FromJson<v1::Partnership>(Rest("GET", "/v1/partnerships/rest-one").body).state() ==
                v1::SCREENED;
    if (!reflected) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(reflected) << "the register never showed the screening";

  auto feed = Rest("GET", "/v1/registry/events?afterSequence=0&pageSize=1000");
  ASSERT_EQ(feed.status, 200) << feed.body;
  auto events = FromJson<events::v1::ListEventsResponse>(feed.body);
  std::vector<events::v1::ChangeKind> kinds;
  for (const auto& e : events.events()) {
    if (e.resource_name() == "partnerships/rest-one") kinds.push_back(e.kind());
  }
  EXPECT_THAT(kinds, ::testing::ElementsAre(events::v1::CREATED, events::v1::UPDATED,
                                            events::v1::STATE_CHANGED));

  auto pub = Rest("GET", "/v1/public/partnerships/rest-one");
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.body.find("etag"), std::string::npos);
}

TEST_F(GatewayEndToEnd, BadRestInputGetsTheRightStatusNamesTheFieldAndWritesNothing) {
  ASSERT_EQ(Rest("POST", "/v1/partnerships?partnershipId=taken",
                 R"({"displayName":"Taken","leadService":"Policy"})")
                .status,
            200);
  ASSERT_EQ(Rest("POST", "/v1/partnerships?partnershipId=active-one",
                 R"({"displayName":"Active","leadService":"Policy"})")
                .status,
            200);
  int64_t before = LatestSequence();

  struct Case {
    std::string name, method, target, body;
    int http;
    std::string status;
    std::string field;  // expected in fieldViolations; empty: message checked instead
    std::string message_part;
  };
  std::vector<Case> cases = {
      {"malformed JSON", "POST", "/v1/partnerships", R"({"displayName": )", 400,
       "INVALID_ARGUMENT", "", ""},
      {"unknown field", "POST", "/v1/partnerships",
       R"({"displayName":"X","leadService":"P","colour":"red"})", 400, "INVALID_ARGUMENT", "",
       "colour"},
      {"wrong type", "POST", "/v1/partnerships", R"({"displayName":"X","leadService":"P",
       "keyPartnership":"perhaps"})", 400, "INVALID_ARGUMENT", "", "key_partnership"},
      {"missing required", "POST", "/v1/partnerships", R"({"leadService":"P"})", 400,
       "INVALID_ARGUMENT", "partnership.display_name", ""},
      {"bad page token", "GET", "/v1/partnerships?pageToken=nonsense", "", 400,
       "INVALID_ARGUMENT", "page_token", ""},
      {"bad filter", "GET", "/v1/partnerships?filter=colour%3Dred", "", 400,
       "INVALID_ARGUMENT", "filter", ""},
      {"unknown id", "GET", "/v1/partnerships/nobody-here", "", 404, "NOT_FOUND", "", "nobody-here"},
      {"duplicate id", "POST", "/v1/partnerships?partnershipId=taken",
       R"({"displayName":"Again","leadService":"Policy"})", 409, "ALREADY_EXISTS", "",
       "partnership_id"},
      {"illegal transition", "POST", "/v1/partnerships/active-one:transition",
       R"({"state":"CLOSED","reason":"x"})", 400, "FAILED_PRECONDITION", "", "cannot move to CLOSED"},
      {"stale etag", "PATCH", "/v1/partnerships/taken?updateMask=remit",
       R"({"remit":"x","etag":"99999"})", 409, "ABORTED", "", "etag"},
      {"fields smuggled after the body", "POST", "/v1/partnerships",
       R"({"displayName":"X","leadService":"P"},"partnershipId":"smuggled")", 400,
       "INVALID_ARGUMENT", "body", ""},
      {"output-only field in mask", "PATCH", "/v1/partnerships/taken?updateMask=state",
       R"({"state":"ACTIVE"})", 400, "INVALID_ARGUMENT", "update_mask", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto response = Rest(c.method, c.target, c.body,
                         absl::StrContains(c.target, ":transition")
                             ? Keeper()
                             : std::map<std::string, std::string>{});
    ASSERT_EQ(response.status, c.http) << response.body;
    EXPECT_EQ(response.headers["content-type"].rfind("application/json", 0), 0u);
    RestError error = ParseError(response);
    EXPECT_EQ(error.code, c.http);
    EXPECT_EQ(error.status, c.status);
    if (!c.field.empty()) {
      EXPECT_THAT(error.fields, ::testing::Contains(c.field));
    }
    if (!c.message_part.empty()) {
      EXPECT_THAT(error.message, HasSubstr(c.message_part));
    }
  }

  auto huge = Rest("POST", "/v1/partnerships",
                   absl::StrCat(R"({"displayName":"Huge","leadService":"P","remit":")",
                                std::string(3 * 1024 * 1024, 'x'), R"("})"));
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 200);

  EXPECT_EQ(LatestSequence(), before) << "a refused request wrote something";
  EXPECT_EQ(Rest("GET", "/v1/partnerships/taken").status, 200);
  EXPECT_EQ(FromJson<v1::Partnership>(Rest("GET", "/v1/partnerships/active-one").body).state(),
            v1::PROPOSED);
}

TEST_F(GatewayEndToEnd, UnknownRouteIs404AndHealthAndMetricsAnswer) {
  EXPECT_EQ(Rest("GET", "/v1/nothing-here").status, 404);
  EXPECT_EQ(Rest("GET", "/healthz").status, 200);
  // Earlier calls connected the backends; a probe may still catch a channel connecting.
  int ready = 0;
  for (int i = 0; i < 100 && ready != 200; ++i) {
    ready = HttpCall(stack_->gateway_http_port(), "GET", "/readyz", "", {}).status;
    if (ready != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(ready, 200) << "/readyz needs no key and turns ready once backends connect";
  auto metrics = Rest("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("accord_calls_total"));
}

TEST_F(GatewayEndToEnd, GrpcPassThroughServesTheSameOperations) {
  auto stub = GatewayStub();
  v1::CreatePartnershipRequest create;
  create.set_partnership_id("grpc-one");
  create.mutable_partnership()->set_display_name("Grpc One");
  create.mutable_partnership()->set_lead_service("Housing");
  create.mutable_partnership()->set_key_partnership(true);
  v1::Partnership p;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub->CreatePartnership(&ctx, create, &p).ok());
  }
  {
    grpc::ClientContext ctx;
    v1::Partnership again;
    grpc::Status status = stub->CreatePartnership(&ctx, create, &again);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_FALSE(status.error_details().empty()) << "error details must pass through";
  }
  {
    grpc::ClientContext ctx;
    v1::ListPartnershipsRequest list;
    list.set_filter("key_partnership = true AND lead_service = Housing");
    v1::ListPartnershipsResponse response;
    ASSERT_TRUE(stub->ListPartnerships(&ctx, list, &response).ok());
    ASSERT_EQ(response.partnerships_size(), 1);
    EXPECT_EQ(response.partnerships(0).name(), "partnerships/grpc-one");
  }
  {
    grpc::ClientContext ctx;
    v1::UpdatePartnershipRequest update;
    update.mutable_partnership()->set_name(p.name());
    update.mutable_partnership()->set_remit("Homes");
    update.mutable_update_mask()->add_paths("remit");
    update.set_etag(p.etag());
    ASSERT_TRUE(stub->UpdatePartnership(&ctx, update, &p).ok());
    EXPECT_EQ(p.remit(), "Homes");
  }
  auto assessment_stub =
      assessment::v1::AssessmentService::NewStub(stack_->GatewayChannel());
  {
    grpc::ClientContext ctx;
    AsKeeper(ctx);
    assessment::v1::CreateScreeningRequest screen;
    screen.set_parent(p.name());
    screen.mutable_screening()->set_outcome(assessment::v1::IN_BETWEEN);
    screen.mutable_screening()->set_justification("Charity with trustees: governed as one");
    assessment::v1::Screening screening;
    ASSERT_TRUE(assessment_stub->CreateScreening(&ctx, screen, &screening).ok());
  }
  // The change feed streams through the gateway: backlog, then a live change.
  grpc::ClientContext stream_ctx;
  events::v1::StreamEventsRequest from;
  auto reader = stub->StreamEvents(&stream_ctx, from);
  events::v1::Event event;
  int64_t last = 0;
  bool saw_transition = false;
  while (last < 1 || !saw_transition) {
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.sequence(), last + 1);
    last = event.sequence();
    saw_transition |= event.resource_name() == "partnerships/grpc-one" &&
                      event.kind() == events::v1::STATE_CHANGED;
  }
  // Drain the rest of the backlog, then see a change made now arrive.
  grpc::ClientContext latest_ctx;
  events::v1::ListEventsResponse latest;
  ASSERT_TRUE(stub->ListEvents(&latest_ctx, events::v1::ListEventsRequest(), &latest).ok());
  while (last < latest.latest_sequence()) {
    ASSERT_TRUE(reader->Read(&event));
    last = event.sequence();
  }
  {
    grpc::ClientContext ctx;
    AsKeeper(ctx);
    assessment::v1::CreateAssessmentRequest assess;
    assess.set_parent(p.name());
    auto* answer = assess.mutable_assessment()->add_answers();
    answer->set_question(4);
    answer->set_score(3);
    assessment::v1::Assessment assessed;
    ASSERT_TRUE(assessment_stub->CreateAssessment(&ctx, assess, &assessed).ok());
  }
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), last + 1);
  v1::Partnership streamed;
  ASSERT_TRUE(event.resource().UnpackTo(&streamed));
  EXPECT_EQ(streamed.state(), v1::ASSESSED);
  stream_ctx.TryCancel();
  while (reader->Read(&event)) {
  }
}

}  // namespace
}  // namespace accord::testing
