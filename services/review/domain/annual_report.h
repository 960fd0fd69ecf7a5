// The annual report of the register (DOMAIN.md section 8) from the review service's records.
// Pure.
#ifndef ACCORD_SERVICES_REVIEW_DOMAIN_ANNUAL_REPORT_H_
#define ACCORD_SERVICES_REVIEW_DOMAIN_ANNUAL_REPORT_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "accord/review/v1/review.pb.h"

namespace accord::review {

struct CompletedReview {
  std::string completed_date;  // YYYY-MM-DD
  accord::assessment::v1::ReviewType type;
};

// The figures for `year`: see v1::AnnualReport for what each counts. Overdue reviews are
// judged at the start of the next year, or at `today` when that is earlier. Fills `csv`.
v1::AnnualReport AnnualFigures(int year, const std::vector<v1::TrackedPartnership>& records,
                               const std::vector<CompletedReview>& reviews,
                               absl::CivilDay today);

// "section,key,value" lines with a header, for spreadsheets.
std::string AnnualCsv(const v1::AnnualReport& report);

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_DOMAIN_ANNUAL_REPORT_H_
