#include "gateway/transcoder/request_mapping.h"

#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/api/errors.h"
#include "gateway/transcoder/route_table.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

using registry::v1::CreatePartnershipRequest;
using registry::v1::ListPartnershipsRequest;
using registry::v1::TransitionPartnershipRequest;
using registry::v1::UpdatePartnershipRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

// (field, description) of every BadRequest violation in `status`.
std::vector<std::pair<std::string, std::string>> Violations(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  google::rpc::Status rpc = api::ToRpcStatus(status);
  for (const auto& detail : rpc.details()) {
    google::rpc::BadRequest bad_request;
    if (!detail.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) out.emplace_back(v.field(), v.description());
  }
  return out;
}

const Route& RouteFor(const RouteTable& table, absl::string_view method) {
  for (const Route& route : table.routes()) {
    if (route.method->name() == method) return route;
  }
  ADD_FAILURE() << "no route for " << method;
  return table.routes().front();
}

RouteTable Registry() {
  return *RouteTable::FromServices({registry::v1::RegistryService::service_full_name()},
                                   *google::protobuf::DescriptorPool::generated_pool());
}

TEST(QueryParameters, IntAndStringFieldsAreSetByProtoOrJsonName) {
  ListPartnershipsRequest request;
  ASSERT_TRUE(ApplyQueryParameters("page_size=25&pageToken=abc&filter=state+%3D+ACTIVE", {}, "",
                                   request)
                  .ok());
  EXPECT_EQ(request.page_size(), 25);
  EXPECT_EQ(request.page_token(), "abc");
  EXPECT_EQ(request.filter(), "state = ACTIVE");
}

TEST(QueryParameters, NestedFieldsAreReachedWithDots) {
  UpdatePartnershipRequest request;
  ASSERT_TRUE(ApplyQueryParameters("partnership.display_name=Leisure&partnership.leadService=Parks",
                                   {}, "", request)
                  .ok());
  EXPECT_EQ(request.partnership().display_name(), "Leisure");
  EXPECT_EQ(request.partnership().lead_service(), "Parks");
}

TEST(QueryParameters, RepeatedFieldsCollectEveryOccurrenceInOrder) {
  UpdatePartnershipRequest request;
  ASSERT_TRUE(ApplyQueryParameters(
                  "partnership.corporate_aims=health&partnership.corporate_aims=housing"
                  "&update_mask.paths=remit&update_mask.paths=lead_officer",
                  {}, "", request)
                  .ok());
  EXPECT_THAT(request.partnership().corporate_aims(), ElementsAre("health", "housing"));
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("remit", "lead_officer"));
}

TEST(QueryParameters, EnumsAreSetByNameAndRepeatedEnumsToo) {
  UpdatePartnershipRequest request;
  ASSERT_TRUE(ApplyQueryParameters(
                  "partnership.state=ACTIVE&partnership.confidential_groups=REMIT"
                  "&partnership.confidential_groups=LEAD",
                  {}, "", request)
                  .ok());
  EXPECT_EQ(request.partnership().state(), registry::v1::ACTIVE);
  EXPECT_THAT(request.partnership().confidential_groups(),
              ElementsAre(registry::v1::REMIT, registry::v1::LEAD));
}

TEST(QueryParameters, BoolsAcceptTrueAndFalse) {
  UpdatePartnershipRequest request;
  ASSERT_TRUE(ApplyQueryParameters("partnership.key_partnership=true", {}, "", request).ok());
  EXPECT_TRUE(request.partnership().key_partnership());
  ASSERT_TRUE(ApplyQueryParameters("partnership.key_partnership=false", {}, "", request).ok());
  EXPECT_FALSE(request.partnership().key_partnership());
}

TEST(QueryParameters, WellKnownTypesTakeTheirJsonStringForm) {
  UpdatePartnershipRequest request;
  ASSERT_TRUE(ApplyQueryParameters("update_mask=remit,leadOfficer", {}, "", request).ok());
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("remit", "lead_officer"));
}

TEST(QueryParameters, NonNumberForAnIntNamesTheParameterAndTheRange) {
  ListPartnershipsRequest request;
  absl::Status status = ApplyQueryParameters("pageSize=ten", {}, "", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("pageSize", HasSubstr("must be a whole number from -2147483648 to "
                                                     "2147483647; got \"ten\""))));
}

TEST(QueryParameters, IntOutOfRangeIsRefused) {
  ListPartnershipsRequest request;
  absl::Status status = ApplyQueryParameters("page_size=99999999999", {}, "", request);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("page_size", HasSubstr("whole number"))));
}

TEST(QueryParameters, UnknownEnumNameListsTheAllowedNames) {
  UpdatePartnershipRequest request;
  absl::Status status = ApplyQueryParameters("partnership.state=DONE", {}, "", request);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("partnership.state",
                               AllOf(HasSubstr("must be one of STATE_UNSPECIFIED, PROPOSED"),
                                     HasSubstr("got \"DONE\"")))));
}

TEST(QueryParameters, BadBoolNamesTheParameter) {
  UpdatePartnershipRequest request;
  absl::Status status = ApplyQueryParameters("partnership.key_partnership=yes", {}, "", request);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("partnership.key_partnership",
                                                   "must be true or false; got \"yes\"")));
}

TEST(QueryParameters, UnknownFieldNamesTheParameter) {
  ListPartnershipsRequest request;
  absl::Status status = ApplyQueryParameters("page_size=1&colour=red", {}, "", request);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("colour", "is not a field of accord.registry.v1."
                                         "ListPartnershipsRequest")));
}

TEST(QueryParameters, MessageFieldCannotBeSetAsAWhole) {
  UpdatePartnershipRequest request;
  absl::Status status = ApplyQueryParameters("partnership=x", {}, "", request);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("partnership", HasSubstr("is a message"))));
}

TEST(QueryParameters, SingularFieldGivenTwiceIsRefused) {
  ListPartnershipsRequest request;
  absl::Status status = ApplyQueryParameters("page_size=1&pageSize=2", {}, "", request);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("pageSize", HasSubstr("only once"))));
}

TEST(QueryParameters, FieldsSetByThePathOrBodyAreRefused) {
  UpdatePartnershipRequest request;
  EXPECT_THAT(
      Violations(ApplyQueryParameters("partnership.name=x", {"partnership.name"}, "", request)),
      ElementsAre(Pair("partnership.name", HasSubstr("set by the URL path"))));
  EXPECT_THAT(Violations(ApplyQueryParameters("partnership.remit=x", {}, "partnership", request)),
              ElementsAre(Pair("partnership.remit", HasSubstr("part of the request body"))));
  EXPECT_THAT(Violations(ApplyQueryParameters("etag=x", {}, "*", request)),
              ElementsAre(Pair("etag", HasSubstr("body carries every field"))));
}

TEST(JsonBody, StarBodyFillsTheWholeRequestInEitherNaming) {
  TransitionPartnershipRequest request;
  ASSERT_TRUE(
      ApplyJsonBody(R"({"state":"ACTIVE","reason":"approved","request_id":"r1"})", "*", request)
          .ok());
  EXPECT_EQ(request.state(), registry::v1::ACTIVE);
  EXPECT_EQ(request.reason(), "approved");
  EXPECT_EQ(request.request_id(), "r1");
}

TEST(JsonBody, NamedBodyFieldReceivesTheBodyAndOtherFieldsAreUntouched) {
  CreatePartnershipRequest request;
  request.set_partnership_id("leisure");
  ASSERT_TRUE(ApplyJsonBody(R"({"displayName":"Leisure Trust","corporateAims":["health"]})",
                            "partnership", request)
                  .ok());
  EXPECT_EQ(request.partnership().display_name(), "Leisure Trust");
  EXPECT_THAT(request.partnership().corporate_aims(), ElementsAre("health"));
  EXPECT_EQ(request.partnership_id(), "leisure");
}

TEST(JsonBody, EmptyBodyIsAnEmptyMessage) {
  CreatePartnershipRequest request;
  EXPECT_TRUE(ApplyJsonBody("  ", "partnership", request).ok());
  EXPECT_TRUE(ApplyJsonBody("", "*", request).ok());
}

TEST(JsonBody, MalformedJsonIsInvalidArgumentNamingTheBody) {
  CreatePartnershipRequest request;
  absl::Status status = ApplyJsonBody(R"({"displayName": )", "partnership", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("body", StartsWith("is not valid JSON: "))));
}

TEST(JsonBody, UnknownFieldIsAnErrorNamingItsPathInTheRequest) {
  CreatePartnershipRequest request;
  absl::Status status =
      ApplyJsonBody(R"({"displayName":"x","colour":"red"})", "partnership", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("partnership.colour", "is not a known field")));

  TransitionPartnershipRequest top;
  EXPECT_THAT(Violations(ApplyJsonBody(R"({"stat":"ACTIVE"})", "*", top)),
              ElementsAre(Pair("stat", "is not a known field")));
}

TEST(JsonBody, WrongTypeIsAnErrorNamingTheField) {
  CreatePartnershipRequest request;
  absl::Status status = ApplyJsonBody(R"({"displayName":5})", "partnership", request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Violations(status),
              ElementsAre(Pair("partnership.display_name", HasSubstr("invalid value 5"))));
}

TEST(JsonBody, UnknownEnumNameIsAnErrorNamingTheField) {
  TransitionPartnershipRequest request;
  absl::Status status = ApplyJsonBody(R"({"state":"DONE"})", "*", request);
  EXPECT_THAT(Violations(status), ElementsAre(Pair("state", HasSubstr("\"DONE\""))));
}

TEST(BuildRequest, PathVariablesWinOverTheBody) {
  RouteTable table = Registry();
  const Route& route = RouteFor(table, "TransitionPartnership");
  auto request = BuildRequest(route, {{"name", "partnerships/p1"}}, "",
                              R"({"name":"partnerships/other","state":"CLOSED"})");
  ASSERT_TRUE(request.ok()) << request.status();
  const auto& transition = dynamic_cast<const TransitionPartnershipRequest&>(**request);
  EXPECT_EQ(transition.name(), "partnerships/p1");
  EXPECT_EQ(transition.state(), registry::v1::CLOSED);
}

TEST(BuildRequest, PatchCombinesNestedPathNameBodyAndQueryMask) {
  RouteTable table = Registry();
  const Route& route = RouteFor(table, "UpdatePartnership");
  auto request = BuildRequest(route, {{"partnership.name", "partnerships/p1"}},
                              "update_mask=remit&etag=e1", R"({"remit":"Sport"})");
  ASSERT_TRUE(request.ok()) << request.status();
  const auto& update = dynamic_cast<const UpdatePartnershipRequest&>(**request);
  EXPECT_EQ(update.partnership().name(), "partnerships/p1");
  EXPECT_EQ(update.partnership().remit(), "Sport");
  EXPECT_THAT(update.update_mask().paths(), ElementsAre("remit"));
  EXPECT_EQ(update.etag(), "e1");
}

TEST(BuildRequest, GetWithoutBodyIgnoresAnySentBody) {
  RouteTable table = Registry();
  const Route& route = RouteFor(table, "ListPartnerships");
  auto request = BuildRequest(route, {}, "page_size=3", "not json at all");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(dynamic_cast<const ListPartnershipsRequest&>(**request).page_size(), 3);
}

TEST(ResponseJson, UsesCamelCaseAndLeavesOutDefaults) {
  registry::v1::Partnership partnership;
  partnership.set_display_name("Leisure Trust");
  partnership.set_state(registry::v1::ACTIVE);
  absl::StatusOr<std::string> json = MessageToJson(partnership);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"displayName":"Leisure Trust","state":"ACTIVE"})");
}

}  // namespace
}  // namespace accord::gateway
