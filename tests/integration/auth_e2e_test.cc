// Who may do what through the real gateway: API keys created with accord-admin, the officer
// directory, per-record rules, identity headers, limits, Idempotency-Key and the audit trail.
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/gateway/v1/audit_service.pb.h"
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

namespace reg = accord::registry::v1;
using ::testing::HasSubstr;

template <typename Message>
Message FromJson(const std::string& json) {
  Message message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message, options);
  EXPECT_TRUE(status.ok()) << status << " in " << json;
  return message;
}

class AuthEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    EXPECT_TRUE(stack_->StopGracefully());
    delete stack_;
  }
  void SetUp() override { ASSERT_TRUE(stack_->ok()) << stack_->error(); }

  // A call with `key` ("" for none) and extra headers, nothing added.
  static HttpResponse As(const std::string& key, const std::string& method,
                         const std::string& target, const std::string& body = "",
                         std::map<std::string, std::string> headers = {}) {
    if (!key.empty()) headers["authorization"] = "Bearer " + key;
    return HttpCall(stack_->gateway_http_port(), method, target, body, headers);
  }
  static std::map<std::string, std::string> Officer(const std::string& id) {
    return {{"x-accord-officer", id}};
  }
  static void CreatePartnership(const std::string& id, const std::string& service) {
    auto created = As(stack_->api_key(), "POST", "/v1/partnerships?partnershipId=" + id,
                      absl::StrCat(R"({"displayName":")", id, R"(","leadService":")", service,
                                   R"("})"));
    ASSERT_EQ(created.status, 200) << created.body;
  }

  static Stack* stack_;
};

Stack* AuthEndToEnd::stack_ = nullptr;

TEST_F(AuthEndToEnd, MissingWrongRotatedAndRevokedKeysAreRefusedAtOnce) {
  EXPECT_EQ(As("", "GET", "/v1/partnerships").status, 401);
  EXPECT_EQ(As("not-a-key", "GET", "/v1/partnerships").status, 401);
  std::string key = stack_->CreateKey("intranet", "partnerships:read");
  ASSERT_FALSE(key.empty());
  std::string wrong = key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(As(wrong, "GET", "/v1/partnerships").status, 401);
  EXPECT_EQ(As(key, "GET", "/v1/partnerships").status, 200);

  std::string id = key.substr(7, 16);
  std::string rotated = stack_->Admin("keys rotate " + id);
  ASSERT_FALSE(rotated.empty());
  std::string new_key = rotated.substr(rotated.rfind("accord_"));
  new_key.erase(new_key.find_last_not_of("\n") + 1);
  EXPECT_EQ(As(key, "GET", "/v1/partnerships").status, 401);
  EXPECT_EQ(As(new_key, "GET", "/v1/partnerships").status, 200);

  ASSERT_FALSE(stack_->Admin("keys revoke " + id).empty());
  auto revoked = As(new_key, "GET", "/v1/partnerships");
  EXPECT_EQ(revoked.status, 401) << revoked.body;
  EXPECT_THAT(stack_->Admin("keys list"), HasSubstr("apiKeys/" + id));

  // Over gRPC too.
  auto stub = reg::RegistryService::NewStub(stack_->GatewayChannel(new_key));
  grpc::ClientContext ctx;
  reg::ListPartnershipsResponse listed;
  EXPECT_EQ(stub->ListPartnerships(&ctx, {}, &listed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthEndToEnd, PublicRegisterNeedsNoKey) {
  CreatePartnership("public-one", "Leisure");
  EXPECT_EQ(As("", "GET", "/v1/public/partnerships").status, 200);
  auto got = As("", "GET", "/v1/public/partnerships/public-one");
  EXPECT_EQ(got.status, 200) << got.body;
}

TEST_F(AuthEndToEnd, HrKeyManagesOfficersButNotPartnerships) {
  std::string hr = stack_->CreateKey("hr", "officers:read,officers:write");
  auto created = As(hr, "POST", "/v1/officers?officerId=dana",
                    R"({"displayName":"Dana","service":"Leisure","roles":["LEAD_OFFICER"]})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto updated = As(hr, "PATCH", "/v1/officers/dana?updateMask=roles",
                    R"({"roles":["LEAD_OFFICER","HEAD_OF_SERVICE"]})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_THAT(updated.body, HasSubstr("HEAD_OF_SERVICE"));
  EXPECT_THAT(updated.body, HasSubstr(R"("updatedBy":"client:hr")"));  // HR's act, by name
  auto bad_role = As(hr, "POST", "/v1/officers?officerId=eve",
                     R"({"displayName":"Eve","service":"Leisure","roles":["KING"]})");
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_THAT(bad_role.body, HasSubstr("officer.roles[0]"));
  EXPECT_EQ(As(hr, "GET", "/v1/partnerships").status, 403);
  EXPECT_EQ(As(hr, "POST", "/v1/partnerships?partnershipId=hr-made",
               R"({"displayName":"x","leadService":"HR"})")
                .status,
            403);
  ASSERT_EQ(As(hr, "POST", "/v1/officers/dana:leave", "{}").status, 200);
  // A departed officer cannot act, whoever asks.
  auto departed = As(stack_->api_key(), "GET", "/v1/partnerships", "", Officer("dana"));
  EXPECT_EQ(departed.status, 403) << departed.body;
}

TEST_F(AuthEndToEnd, FinanceKeyReadsPartnershipsButCannotApproveOrWrite) {
  CreatePartnership("finance-one", "Leisure");
  std::string finance = stack_->CreateKey("finance", "partnerships:read");
  EXPECT_EQ(As(finance, "GET", "/v1/partnerships/finance-one").status, 200);
  auto approve = As(finance, "POST", "/v1/partnerships/finance-one/evaluations/e1:signOff",
                    R"({"role":"EXECUTIVE"})");
  EXPECT_EQ(approve.status, 403) << approve.body;
  EXPECT_THAT(approve.body, HasSubstr("partnerships:approve"));
  EXPECT_EQ(As(finance, "PATCH", "/v1/partnerships/finance-one?updateMask=remit",
               R"({"remit":"x"})")
                .status,
            403);
  EXPECT_EQ(As(finance, "DELETE", "/v1/partnerships/finance-one").status, 403);
}

TEST_F(AuthEndToEnd, RiskRegisterKeyWorksEscalationsAndNothingElse) {
  std::string risk = stack_->CreateKey("corporate-risk", "escalations:read,escalations:write");
  auto pending = As(risk, "GET", "/v1/escalations:pending");
  EXPECT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(As(risk, "GET", "/v1/partnerships").status, 403);
  EXPECT_EQ(As(risk, "GET", "/v1/risks:overdue").status, 403);
  EXPECT_EQ(As(risk, "POST", "/v1/partnerships/x/risks", "{}").status, 403);
  // Acknowledging reaches the risk service (which knows no such risk) rather than a refusal.
  auto ack = As(risk, "POST", "/v1/partnerships/x/risks/y:acknowledgeEscalation",
                R"({"reference":"CRR-1"})");
  EXPECT_NE(ack.status, 403) << ack.body;
  EXPECT_NE(ack.status, 401) << ack.body;
}

TEST_F(AuthEndToEnd, AnOfficerOfAnotherServiceCannotEditAPartnership) {
  CreatePartnership("leisure-trust", "Leisure");
  ASSERT_TRUE(stack_->EnsureOfficer("lena", "LEAD_OFFICER", "Leisure"));
  ASSERT_TRUE(stack_->EnsureOfficer("pete", "LEAD_OFFICER", "Planning"));
  ASSERT_TRUE(stack_->EnsureOfficer("sam", "SENIOR_MANAGEMENT_TEAM", "Planning"));
  const std::string patch = R"({"remit":"Pools"})";
  auto foreign = As(stack_->api_key(), "PATCH", "/v1/partnerships/leisure-trust?updateMask=remit",
                    patch, Officer("pete"));
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  auto missing = As(stack_->api_key(), "PATCH", "/v1/partnerships/no-such?updateMask=remit",
                    patch, Officer("pete"));
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(FromJson<google::protobuf::Struct>(missing.body)
                .fields().at("error").struct_value().fields().at("message").string_value(),
            FromJson<google::protobuf::Struct>(foreign.body)
                .fields().at("error").struct_value().fields().at("message").string_value())
      << "a refusal must not tell whether the partnership exists";
  auto own = As(stack_->api_key(), "PATCH", "/v1/partnerships/leisure-trust?updateMask=remit",
                patch, Officer("lena"));
  EXPECT_EQ(own.status, 200) << own.body;
  auto senior = As(stack_->api_key(), "PATCH", "/v1/partnerships/leisure-trust?updateMask=remit",
                   R"({"remit":"Pools and gyms"})", Officer("sam"));
  EXPECT_EQ(senior.status, 200) << senior.body;
  auto create_foreign = As(stack_->api_key(), "POST", "/v1/partnerships?partnershipId=pete-made",
                           R"({"displayName":"x","leadService":"Leisure"})", Officer("pete"));
  EXPECT_EQ(create_foreign.status, 403);
}

TEST_F(AuthEndToEnd, IdentityHeadersSentByAClientAreIgnored) {
  CreatePartnership("keeper-test", "Leisure");
  ASSERT_TRUE(stack_->EnsureOfficer("lou", "LEAD_OFFICER", "Leisure"));
  // Lou claims to be the register keeper; the directory says otherwise.
  auto claimed = As(stack_->api_key(), "POST", "/v1/partnerships/keeper-test:transition",
                    R"({"state":"CLOSED","reason":"x"})",
                    {{"x-accord-officer", "lou"}, {"x-accord-roles", "REGISTER_KEEPER"}});
  EXPECT_EQ(claimed.status, 403) << claimed.body;
  // A key not trusted to act for officers cannot name one.
  std::string plain = stack_->CreateKey("plain", "partnerships:read");
  EXPECT_EQ(As(plain, "GET", "/v1/partnerships", "", Officer("lou")).status, 403);
  // Nor can anyone name an officer the directory does not have.
  EXPECT_EQ(As(stack_->api_key(), "GET", "/v1/partnerships", "", Officer("ghost")).status, 403);

  // Over gRPC, a claimed role is dropped before the service sees it.
  auto stub = reg::RegistryService::NewStub(stack_->GatewayChannel());
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-accord-officer", "lou");
  ctx.AddMetadata("x-accord-roles", "REGISTER_KEEPER");
  reg::TransitionPartnershipRequest move;
  move.set_name("partnerships/keeper-test");
  move.set_state(reg::CLOSED);
  reg::Partnership out;
  EXPECT_EQ(stub->TransitionPartnership(&ctx, move, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthEndToEnd, OversizeBodiesAndMessagesAreRefused) {
  auto huge = As(stack_->api_key(), "POST", "/v1/partnerships",
                 absl::StrCat(R"({"displayName":"Huge","leadService":"P","remit":")",
                              std::string(2 * 1024 * 1024, 'x'), R"("})"));
  EXPECT_EQ(huge.status, 413);
  auto stub = reg::RegistryService::NewStub(stack_->GatewayChannel());
  grpc::ClientContext ctx;
  reg::CreatePartnershipRequest create;
  create.set_partnership_id("huge-grpc");
  create.mutable_partnership()->set_display_name("Huge");
  create.mutable_partnership()->set_remit(std::string(2 * 1024 * 1024, 'x'));
  reg::Partnership out;
  EXPECT_EQ(stub->CreatePartnership(&ctx, create, &out).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AuthEndToEnd, IdempotencyKeyRetryCreatesOnce) {
  auto latest = [] {
    auto events = As(stack_->api_key(), "GET", "/v1/registry/events?pageSize=1");
    return FromJson<events::v1::ListEventsResponse>(events.body).latest_sequence();
  };
  const std::string body = R"({"displayName":"Idem","leadService":"Leisure"})";
  auto first = As(stack_->api_key(), "POST", "/v1/partnerships?partnershipId=idem-one", body,
                  {{"idempotency-key", "retry-me-1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  int64_t after_first = latest();
  auto again = As(stack_->api_key(), "POST", "/v1/partnerships?partnershipId=idem-one", body,
                  {{"idempotency-key", "retry-me-1"}});
  ASSERT_EQ(again.status, 200) << again.body << " (a retry must answer as the first call did)";
  EXPECT_EQ(FromJson<reg::Partnership>(again.body).etag(),
            FromJson<reg::Partnership>(first.body).etag());
  EXPECT_EQ(latest(), after_first);
  auto without = As(stack_->api_key(), "POST", "/v1/partnerships?partnershipId=idem-one", body);
  EXPECT_EQ(without.status, 409) << "without the key the retry is a second create";
}

TEST_F(AuthEndToEnd, AuditTrailHoldsWritesAndDenialsAndExports) {
  CreatePartnership("audited", "Leisure");
  ASSERT_TRUE(stack_->EnsureOfficer("ada", "LEAD_OFFICER", "Leisure"));
  ASSERT_TRUE(stack_->EnsureOfficer("pat", "LEAD_OFFICER", "Planning"));
  ASSERT_EQ(As(stack_->api_key(), "PATCH", "/v1/partnerships/audited?updateMask=remit",
               R"({"remit":"Audit me"})", Officer("ada"))
                .status,
            200);
  ASSERT_EQ(As(stack_->api_key(), "PATCH", "/v1/partnerships/audited?updateMask=remit",
               R"({"remit":"Not mine"})", Officer("pat"))
                .status,
            403);
  EXPECT_EQ(As("bad", "DELETE", "/v1/partnerships/audited").status, 401);

  auto by_resource = As(stack_->api_key(), "GET", "/v1/auditEntries?resource=partnerships/audited");
  ASSERT_EQ(by_resource.status, 200) << by_resource.body;
  auto entries = FromJson<gateway::v1::ListAuditEntriesResponse>(by_resource.body);
  std::set<std::string> seen;
  for (const auto& e : entries.audit_entries()) {
    seen.insert(absl::StrCat(e.officer(), ":", e.code()));
    EXPECT_EQ(e.transport(), "REST");
    EXPECT_FALSE(e.request_id().empty());
  }
  EXPECT_TRUE(seen.count(":OK")) << by_resource.body;  // the create, by the system key
  EXPECT_TRUE(seen.count("ada:OK")) << by_resource.body;
  EXPECT_TRUE(seen.count("pat:PERMISSION_DENIED")) << by_resource.body;

  auto by_officer = As(stack_->api_key(), "GET", "/v1/auditEntries?officer=pat");
  EXPECT_THAT(by_officer.body, HasSubstr("PERMISSION_DENIED"));
  auto unauthenticated = As(stack_->api_key(), "GET", "/v1/auditEntries?code=UNAUTHENTICATED");
  EXPECT_THAT(unauthenticated.body, HasSubstr("DeletePartnership"));
  auto exported = As(stack_->api_key(), "GET", "/v1/auditEntries:export?officer=ada");
  ASSERT_EQ(exported.status, 200);
  EXPECT_THAT(exported.body, HasSubstr("application/x-ndjson"));
  // Reading the trail needs audit:read.
  std::string finance = stack_->CreateKey("finance", "partnerships:read");
  EXPECT_EQ(As(finance, "GET", "/v1/auditEntries").status, 403);
}

TEST(RateLimitEndToEnd, OverTheLimitIs429WithRetryAfter) {
  Stack stack(Stack::Options{.gateway_flags = {"--rate_limit_per_second=1",
                                               "--rate_limit_burst=3"}});
  ASSERT_TRUE(stack.ok()) << stack.error();
  std::string key = stack.CreateKey("busy", "partnerships:read");
  int ok = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 8; ++i) {
    auto response = HttpCall(stack.gateway_http_port(), "GET", "/v1/partnerships", "",
                             stack.Auth(key));
    if (response.status == 200) ++ok;
    if (response.status == 429) {
      ++limited;
      retry_after = response.headers["retry-after"];
    }
  }
  EXPECT_GE(ok, 3);
  EXPECT_GE(limited, 4);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GE(std::atoi(retry_after.c_str()), 1);
  // Another client is not held back.
  EXPECT_EQ(HttpCall(stack.gateway_http_port(), "GET", "/v1/partnerships", "",
                     stack.Auth(stack.CreateKey("calm", "partnerships:read")))
                .status,
            200);
  auto stub = reg::RegistryService::NewStub(stack.GatewayChannel(key));
  grpc::ClientContext ctx;
  reg::ListPartnershipsResponse listed;
  EXPECT_EQ(stub->ListPartnerships(&ctx, {}, &listed).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(stack.StopGracefully());
}

}  // namespace
}  // namespace accord::testing
