#include "services/review/domain/calendar_date.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/api/errors.h"

namespace accord::review {
namespace {

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field) {
  auto refuse = [&] {
    return api::InvalidField(field,
                             absl::StrCat("must be a date YYYY-MM-DD; got '", text, "'"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return refuse();
  int values[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int part = 0; part < 3; ++part) {
    for (int i = 0; i < lengths[part]; ++i) {
      char c = text[starts[part] + i];
      if (c < '0' || c > '9') return refuse();
      values[part] = values[part] * 10 + (c - '0');
    }
  }
  const int year = values[0], month = values[1], day = values[2];
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return refuse();
  }
  return absl::CivilDay(year, month, day);
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  int64_t index = day.year() * 12 + (day.month() - 1) + months;
  int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  int month = static_cast<int>(index - year * 12) + 1;
  int last = DaysInMonth(year, month);
  return absl::CivilDay(year, month, day.day() > last ? last : day.day());
}

absl::CivilDay DateOf(absl::Time time) {
  return absl::ToCivilDay(time, absl::UTCTimeZone());
}

absl::CivilDay Today() { return DateOf(absl::Now()); }

}  // namespace accord::review
