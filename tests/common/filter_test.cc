#include "common/api/filter.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::api {
namespace {

using ::testing::HasSubstr;

FilterSchema TestSchema() {
  FilterSchema schema;
  schema["state"] = {FilterFieldSpec::Type::kEnum, {"ACTIVE", "PROPOSED"}};
  schema["lead_service"] = {FilterFieldSpec::Type::kString, {}};
  schema["key_partnership"] = {FilterFieldSpec::Type::kBool, {}};
  schema["update_time"] = {FilterFieldSpec::Type::kTimestamp, {}};
  return schema;
}

bool Eval(const std::string& text, const std::map<std::string, std::string>& record) {
  auto filter = ParseFilter(text, TestSchema());
  EXPECT_TRUE(filter.ok()) << filter.status();
  return Matches(*filter, [&](absl::string_view f) { return record.at(std::string(f)); });
}

TEST(Filter, EmptyFilterMatchesEverything) {
  auto filter = ParseFilter("", TestSchema());
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->comparisons.empty());
}

TEST(Filter, AndOfEqualityAndInequalityIsParsedInOrder) {
  auto filter = ParseFilter(R"(state = ACTIVE AND lead_service != "Leisure Services")",
                            TestSchema());
  ASSERT_TRUE(filter.ok()) << filter.status();
  ASSERT_EQ(filter->comparisons.size(), 2u);
  EXPECT_EQ(filter->comparisons[0].field, "state");
  EXPECT_EQ(filter->comparisons[0].op, FilterOp::kEqual);
  EXPECT_EQ(filter->comparisons[1].value, "Leisure Services");
  EXPECT_EQ(filter->comparisons[1].op, FilterOp::kNotEqual);
}

TEST(Filter, MatchesComparesValues) {
  std::map<std::string, std::string> record = {{"state", "ACTIVE"},
                                               {"lead_service", "Housing"},
                                               {"key_partnership", "true"},
                                               {"update_time", OrderedTimestamp(1000000)}};
  EXPECT_TRUE(Eval("state = ACTIVE", record));
  EXPECT_FALSE(Eval("state = PROPOSED", record));
  EXPECT_TRUE(Eval("state = ACTIVE AND key_partnership = true", record));
  EXPECT_FALSE(Eval("state = ACTIVE AND key_partnership = false", record));
  EXPECT_TRUE(Eval("lead_service > Al AND lead_service < Zed", record));
  EXPECT_TRUE(Eval("update_time < 1970-01-01T00:00:02Z", record));
  EXPECT_FALSE(Eval("update_time > 1970-01-01T00:00:02Z", record));
}

TEST(Filter, UnknownFieldIsRefusedNamingIt) {
  auto filter = ParseFilter("colour = red", TestSchema());
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(filter.status().message()), HasSubstr("filter: at character 1: unknown field"));
  EXPECT_THAT(std::string(filter.status().message()), HasSubstr("colour"));
}

TEST(Filter, UnsupportedSyntaxIsRefused) {
  for (const char* text : {"state = ACTIVE OR state = PROPOSED", "(state = ACTIVE)",
                           "NOT state = ACTIVE", "state", "state =", "state = ACTIVE AND",
                           "state ~ ACTIVE", "lead_service = \"unclosed"}) {
    auto filter = ParseFilter(text, TestSchema());
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(filter.status().message()), HasSubstr("filter:")) << text;
  }
}

TEST(Filter, EnumValueMustBeKnownAndTakesNoOrdering) {
  EXPECT_THAT(std::string(ParseFilter("state = OPEN", TestSchema()).status().message()),
              HasSubstr("must be one of ACTIVE, PROPOSED"));
  EXPECT_THAT(std::string(ParseFilter("state < ACTIVE", TestSchema()).status().message()),
              HasSubstr("takes only = and !="));
}

TEST(Filter, BoolAndTimestampValuesAreChecked) {
  EXPECT_THAT(std::string(ParseFilter("key_partnership = yes", TestSchema()).status().message()),
              HasSubstr("true or false"));
  EXPECT_THAT(std::string(ParseFilter("update_time > yesterday", TestSchema()).status().message()),
              HasSubstr("RFC 3339"));
}

TEST(Filter, OrderedTimestampSortsAsTime) {
  EXPECT_LT(OrderedTimestamp(9), OrderedTimestamp(10));
  EXPECT_LT(OrderedTimestamp(999999999), OrderedTimestamp(1000000000));
  EXPECT_EQ(OrderedTimestamp(5).size(), 20u);
}

}  // namespace
}  // namespace accord::api
