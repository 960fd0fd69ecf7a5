#include "gateway/transcoder/path_template.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

PathTemplate MustParse(absl::string_view text) {
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return *parsed;
}

TEST(PathTemplate, LiteralPathMatchesOnlyItself) {
  PathTemplate t = MustParse("/v1/partnerships");
  ASSERT_TRUE(t.Match("/v1/partnerships").has_value());
  EXPECT_THAT(*t.Match("/v1/partnerships"), IsEmpty());
  EXPECT_FALSE(t.Match("/v1/partnerships/x").has_value());
  EXPECT_FALSE(t.Match("/v1/partnership").has_value());
  EXPECT_FALSE(t.Match("/v1/partnerships/").has_value());
}

TEST(PathTemplate, VariableWithSubTemplateBindsTheWholeResourceName) {
  PathTemplate t = MustParse("/v1/{name=partnerships/*}");
  EXPECT_THAT(*t.Match("/v1/partnerships/leisure-trust"),
              ElementsAre(VariableBinding{"name", "partnerships/leisure-trust"}));
  EXPECT_FALSE(t.Match("/v1/partnerships").has_value());
  EXPECT_FALSE(t.Match("/v1/partnerships/a/b").has_value());
  EXPECT_FALSE(t.Match("/v1/other/a").has_value());
}

TEST(PathTemplate, NestedFieldPathVariableKeepsItsDottedName) {
  PathTemplate t = MustParse("/v1/{partnership.name=partnerships/*}");
  EXPECT_THAT(*t.Match("/v1/partnerships/p1"),
              ElementsAre(VariableBinding{"partnership.name", "partnerships/p1"}));
  EXPECT_THAT(t.VariableFieldPaths(), ElementsAre("partnership.name"));
}

TEST(PathTemplate, BareVariableMatchesOneSegment) {
  PathTemplate t = MustParse("/v1/shelves/{shelf}/books/{book}");
  EXPECT_THAT(*t.Match("/v1/shelves/s1/books/b2"),
              ElementsAre(VariableBinding{"shelf", "s1"}, VariableBinding{"book", "b2"}));
  EXPECT_FALSE(t.Match("/v1/shelves//books/b2").has_value());
}

TEST(PathTemplate, DoubleWildcardMatchesAnyNumberOfSegments) {
  PathTemplate t = MustParse("/v1/{path=files/**}");
  EXPECT_THAT(*t.Match("/v1/files/a/b/c"), ElementsAre(VariableBinding{"path", "files/a/b/c"}));
  EXPECT_THAT(*t.Match("/v1/files"), ElementsAre(VariableBinding{"path", "files"}));
  EXPECT_FALSE(t.Match("/v2/files/a").has_value());
}

TEST(PathTemplate, DoubleWildcardBeforeLiteralLeavesRoomForTheLiteral) {
  PathTemplate t = MustParse("/v1/**/end");
  EXPECT_TRUE(t.Match("/v1/a/b/end").has_value());
  EXPECT_TRUE(t.Match("/v1/end").has_value());
  EXPECT_FALSE(t.Match("/v1/a/b").has_value());
}

TEST(PathTemplate, CustomVerbMustBePresentAndIsNotPartOfTheVariable) {
  PathTemplate t = MustParse("/v1/{name=partnerships/*}:transition");
  EXPECT_EQ(t.verb(), "transition");
  EXPECT_THAT(*t.Match("/v1/partnerships/p1:transition"),
              ElementsAre(VariableBinding{"name", "partnerships/p1"}));
  EXPECT_FALSE(t.Match("/v1/partnerships/p1").has_value());
  EXPECT_FALSE(t.Match("/v1/partnerships/p1:addMeetingNote").has_value());
}

TEST(PathTemplate, WithoutAVerbAColonIsAnOrdinaryCharacter) {
  PathTemplate t = MustParse("/v1/{name=partnerships/*}");
  EXPECT_THAT(*t.Match("/v1/partnerships/p1:transition"),
              ElementsAre(VariableBinding{"name", "partnerships/p1:transition"}));
}

TEST(PathTemplate, SingleSegmentValuesArePercentDecodedInFull) {
  PathTemplate t = MustParse("/v1/shelves/{shelf}");
  EXPECT_THAT(*t.Match("/v1/shelves/a%20b%2Fc"), ElementsAre(VariableBinding{"shelf", "a b/c"}));
}

TEST(PathTemplate, MultiSegmentValuesKeepEncodedSlashes) {
  PathTemplate t = MustParse("/v1/{path=**}");
  EXPECT_THAT(*t.Match("/v1/a%2Fb/c%20d"), ElementsAre(VariableBinding{"path", "a%2Fb/c d"}));
  // A resource-name variable spans two segments, so an id cannot forge an extra one.
  PathTemplate named = MustParse("/v1/{name=partnerships/*}");
  EXPECT_THAT(*named.Match("/v1/partnerships/a%20b%2Fc"),
              ElementsAre(VariableBinding{"name", "partnerships/a b%2Fc"}));
}

TEST(PathTemplate, MalformedTemplatesAreRejectedWithTheRule) {
  EXPECT_THAT(PathTemplate::Parse("v1/x").status().message(), HasSubstr("must start with '/'"));
  EXPECT_THAT(PathTemplate::Parse("/v1/{name").status().message(), HasSubstr("unbalanced"));
  EXPECT_THAT(PathTemplate::Parse("/v1/{na-me}").status().message(),
              HasSubstr("is not a field path"));
  EXPECT_THAT(PathTemplate::Parse("/v1//x").status().message(), HasSubstr("empty path segment"));
  EXPECT_THAT(PathTemplate::Parse("/**/a/**").status().message(), HasSubstr("at most once"));
  EXPECT_THAT(PathTemplate::Parse("/v1/x:").status().message(), HasSubstr("verb"));
}

}  // namespace
}  // namespace accord::gateway
