#include "gateway/transcoder/route_table.h"

#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

RouteTable RegistryRoutes() {
  absl::StatusOr<RouteTable> table =
      RouteTable::FromServices({registry::v1::RegistryService::service_full_name()},
                               *google::protobuf::DescriptorPool::generated_pool());
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

TEST(RouteTable, EveryAnnotatedUnaryRegistryMethodGetsARouteAndStreamsDoNot) {
  RouteTable table = RegistryRoutes();
  std::vector<std::string> methods;
  for (const Route& route : table.routes()) methods.push_back(route.method->name());
  EXPECT_THAT(methods, UnorderedElementsAre(
                           "CreatePartnership", "GetPartnership", "ListPartnerships",
                           "UpdatePartnership", "DeletePartnership", "TransitionPartnership",
                           "AddMeetingNote", "AddAnnualSummary", "GetPublicPartnership",
                           "ListPublicPartnerships", "ListEvents", "RecordFinancialYear",
                           "ImportPartnerships", "ExportPartnerships",
                           "ExportPublicPartnerships"));
}

TEST(RouteTable, GetOfAResourceNameFindsGetPartnershipWithTheNameBound) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("GET", "/v1/partnerships/leisure-trust");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->GrpcPath(), "/accord.registry.v1.RegistryService/GetPartnership");
  EXPECT_THAT(match.bindings, ElementsAre(VariableBinding{"name", "partnerships/leisure-trust"}));
}

TEST(RouteTable, PatchBindsTheNestedNameAndNamesTheBodyField) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("PATCH", "/v1/partnerships/p1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method->name(), "UpdatePartnership");
  EXPECT_EQ(match.route->body, "partnership");
  EXPECT_THAT(match.bindings, ElementsAre(VariableBinding{"partnership.name", "partnerships/p1"}));
}

TEST(RouteTable, CustomVerbSelectsTheCustomMethod) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("POST", "/v1/partnerships/p1:addMeetingNote");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method->name(), "AddMeetingNote");
  EXPECT_EQ(match.route->body, "*");
}

TEST(RouteTable, PublicPathIsNotMistakenForAPartnershipName) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("GET", "/v1/public/partnerships/p1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method->name(), "GetPublicPartnership");
}

TEST(RouteTable, KnownPathWithAnotherMethodListsTheAllowedMethods) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("PUT", "/v1/partnerships/p1");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_THAT(match.allowed_methods, UnorderedElementsAre("GET", "PATCH", "DELETE"));
}

TEST(RouteTable, VerbPathWithTheWrongMethodIsNotTakenForAResourceName) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("GET", "/v1/partnerships/p1:transition");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_THAT(match.allowed_methods, ElementsAre("POST"));
}

TEST(RouteTable, UnknownPathMatchesNothing) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("GET", "/v2/nothing/here");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST(RouteTable, UnknownServiceIsNotFound) {
  absl::StatusOr<RouteTable> table = RouteTable::FromServices(
      {"accord.nothing.v1.Missing"}, *google::protobuf::DescriptorPool::generated_pool());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
}

TEST(RouteTable, RouteLabelNamesMethodAndTemplate) {
  RouteTable table = RegistryRoutes();
  RouteMatch match = table.Find("DELETE", "/v1/partnerships/p1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->Label(), "DELETE /v1/{name=partnerships/*}");
}

}  // namespace
}  // namespace accord::gateway
