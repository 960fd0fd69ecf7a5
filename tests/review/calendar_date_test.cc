#include "services/review/domain/calendar_date.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::review {
namespace {

using ::testing::HasSubstr;

std::string Plus(const std::string& date, int months) {
  return FormatDate(AddMonths(*ParseDate(date, "d"), months));
}

TEST(CalendarDate, LeapDayPlusTwelveMonthsIsTheLastDayOfFebruary) {
  EXPECT_EQ(Plus("2024-02-29", 12), "2025-02-28");
}

TEST(CalendarDate, LeapDayPlusFourYearsIsALeapDayAgain) {
  EXPECT_EQ(Plus("2024-02-29", 48), "2028-02-29");
}

TEST(CalendarDate, MonthEndsClampToTheShorterMonth) {
  EXPECT_EQ(Plus("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(Plus("2028-01-31", 1), "2028-02-29");
  EXPECT_EQ(Plus("2026-08-31", 6), "2027-02-28");
  EXPECT_EQ(Plus("2026-05-31", 1), "2026-06-30");
  EXPECT_EQ(Plus("2026-03-31", -1), "2026-02-28");
}

TEST(CalendarDate, MonthsRollOverTheYear) {
  EXPECT_EQ(Plus("2026-12-15", 1), "2027-01-15");
  EXPECT_EQ(Plus("2026-07-01", 36), "2029-07-01");
  EXPECT_EQ(Plus("2026-01-15", -1), "2025-12-15");
}

TEST(CalendarDate, ParsesARealDateOnly) {
  EXPECT_TRUE(ParseDate("2024-02-29", "d").ok());
  for (const char* bad : {"2026-02-29", "2024-02-30", "2026-1-01", "2026/01/01", "", "2026-13-01",
                          "2026-00-10", "2026-04-31"}) {
    auto parsed = ParseDate(bad, "review.period_start");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("review.period_start: must be a date"));
  }
}

}  // namespace
}  // namespace accord::review
