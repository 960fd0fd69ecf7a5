#include "gateway/openapi/openapi.h"

#include <set>

#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/documented_descriptors.h"

namespace accord::gateway {
namespace {

using google::protobuf::Struct;
using ::testing::HasSubstr;

const Struct& At(const Struct& s, const std::string& key) {
  EXPECT_TRUE(s.fields().count(key)) << "missing " << key;
  return s.fields().at(key).struct_value();
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Name a message of each file so the linker keeps its descriptors.
    ASSERT_NE(registry::v1::GetPartnershipRequest::descriptor(), nullptr);
    ASSERT_NE(assessment::v1::GetProtocolRequest::descriptor(), nullptr);
    ASSERT_NE(risk::v1::GetRiskRequest::descriptor(), nullptr);
    auto routes = RouteTable::FromServices(
        {"accord.registry.v1.RegistryService", "accord.assessment.v1.AssessmentService",
         "accord.risk.v1.RiskService"},
        *google::protobuf::DescriptorPool::generated_pool());
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = *std::move(routes);
    auto json = BuildOpenApi(routes_, proto::DocumentedDescriptorSet());
    ASSERT_TRUE(json.ok()) << json.status();
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &doc_).ok());
  }

  RouteTable routes_;
  Struct doc_;
};

TEST(OpenApiPath, WildcardsBecomeNamedParameters) {
  EXPECT_EQ(OpenApiPath("/v1/{name=partnerships/*}"), "/v1/partnerships/{partnership}");
  EXPECT_EQ(OpenApiPath("/v1/{name=partnerships/*/risks/*}:close"),
            "/v1/partnerships/{partnership}/risks/{risk}:close");
  EXPECT_EQ(OpenApiPath("/v1/{partnership.name=partnerships/*}"),
            "/v1/partnerships/{partnership}");
  EXPECT_EQ(OpenApiPath("/v1/{parent=partnerships/*}/screenings"),
            "/v1/partnerships/{partnership}/screenings");
  EXPECT_EQ(OpenApiPath("/v1/{name=partnerships/*/requirements}"),
            "/v1/partnerships/{partnership}/requirements");
  EXPECT_EQ(OpenApiPath("/v1/partnerships"), "/v1/partnerships");
}

TEST_F(OpenApiTest, EveryRouteIsAnOperationWithAUniqueId) {
  const Struct& paths = At(doc_, "paths");
  std::set<std::string> ids;
  int operations = 0;
  for (const auto& [path, item] : paths.fields()) {
    for (const auto& [verb, operation] : item.struct_value().fields()) {
      ++operations;
      const auto& fields = operation.struct_value().fields();
      EXPECT_TRUE(ids.insert(fields.at("operationId").string_value()).second) << path;
      EXPECT_TRUE(fields.count("responses")) << path;
    }
  }
  EXPECT_EQ(operations, static_cast<int>(routes_.routes().size()));
  EXPECT_EQ(doc_.fields().at("openapi").string_value(), "3.0.3");
}

TEST_F(OpenApiTest, PathsParametersAndBodiesFollowTheAnnotations) {
  const Struct& paths = At(doc_, "paths");
  const Struct& get = At(At(paths, "/v1/partnerships/{partnership}"), "get");
  const auto& parameters = get.fields().at("parameters").list_value().values();
  ASSERT_EQ(parameters.size(), 2);
  EXPECT_EQ(parameters[0].struct_value().fields().at("in").string_value(), "path");
  EXPECT_EQ(parameters[1].struct_value().fields().at("name").string_value(), "x-accord-officer");

  const Struct& list = At(At(paths, "/v1/partnerships"), "get");
  std::set<std::string> query;
  for (const auto& p : list.fields().at("parameters").list_value().values()) {
    query.insert(p.struct_value().fields().at("name").string_value());
  }
  EXPECT_THAT(query, ::testing::IsSupersetOf({"pageSize", "pageToken", "filter", "orderBy"}));

  const Struct& create = At(At(paths, "/v1/partnerships"), "post");
  EXPECT_TRUE(create.fields().count("requestBody"));
  const Struct& patch = At(At(paths, "/v1/partnerships/{partnership}"), "patch");
  std::set<std::string> patch_query;
  for (const auto& p : patch.fields().at("parameters").list_value().values()) {
    if (p.struct_value().fields().at("in").string_value() != "query") continue;
    patch_query.insert(p.struct_value().fields().at("name").string_value());
  }
  EXPECT_THAT(patch_query, ::testing::IsSupersetOf({"updateMask", "etag", "requestId"}));
  EXPECT_FALSE(patch_query.count("partnership")) << "the body field is not a query parameter";
}

TEST_F(OpenApiTest, SchemasCarryTheContractsCommentsAndJsonTypes) {
  const Struct& schemas = At(At(doc_, "components"), "schemas");
  const Struct& partnership = At(schemas, "accord.registry.v1.Partnership");
  EXPECT_THAT(partnership.fields().at("description").string_value(),
              HasSubstr("Partnerships Register"));
  const Struct& properties = At(partnership, "properties");
  EXPECT_TRUE(At(properties, "etag").fields().at("readOnly").bool_value());
  EXPECT_EQ(At(properties, "createTime").fields().at("format").string_value(), "date-time");
  const Struct& contribution = At(At(At(schemas, "accord.registry.v1.Contribution"), "properties"),
                                  "moneyPence");
  EXPECT_EQ(contribution.fields().at("type").string_value(), "string");  // int64 in JSON
  const Struct& state = At(properties, "state");
  EXPECT_TRUE(state.fields().count("allOf") || state.fields().count("enum"));
  const Struct& tags = doc_;
  ASSERT_TRUE(tags.fields().count("tags"));
}

TEST_F(OpenApiTest, SecurityFollowsTheAccessPolicy) {
  const Struct& schemes = At(At(doc_, "components"), "securitySchemes");
  EXPECT_EQ(At(schemes, "apiKey").fields().at("scheme").string_value(), "bearer");
  const Struct& paths = At(doc_, "paths");
  const Struct& public_get = At(At(paths, "/v1/public/partnerships/{partnership}"), "get");
  EXPECT_EQ(public_get.fields().at("security").list_value().values_size(), 0)
      << "the public view needs no key";
  const Struct& approve = At(At(paths, "/v1/partnerships/{partnership}"), "delete");
  const auto& required = approve.fields().at("security").list_value().values();
  ASSERT_EQ(required.size(), 1);
  EXPECT_TRUE(required[0].struct_value().fields().count("apiKey"));
  EXPECT_THAT(approve.fields().at("description").string_value(),
              HasSubstr("scope `partnerships:delete`"));
}

}  // namespace
}  // namespace accord::gateway
