// Calendar dates as the register writes them (YYYY-MM-DD) and the month arithmetic that
// review cadences use. Pure; no clock except Today().
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_CALENDAR_DATE_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_CALENDAR_DATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace accord::review {

// A real date written YYYY-MM-DD (years 1900 to 2999). INVALID_ARGUMENT naming `field`
// otherwise, for example "review.period_start: must be a date YYYY-MM-DD; got '2026-02-30'".
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);

std::string FormatDate(absl::CivilDay day);

// `day` plus `months` calendar months; a day past the end of the target month becomes its
// last day: 2024-02-29 + 12 = 2025-02-28, 2026-01-31 + 1 = 2026-02-28.
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// The UTC date of `time`.
absl::CivilDay DateOf(absl::Time time);

// The UTC date now.
absl::CivilDay Today();

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_CALENDAR_DATE_H_
