#include "services/review/domain/annual_report.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "accord/registry/v1/partnership.pb.h"
#include "services/review/domain/calendar_date.h"
#include "services/review/domain/review_schedule.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;

void AddCounts(const std::map<std::string, int>& counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  for (const auto& [key, count] : counts) {
    v1::Count* c = out->Add();
    c->set_key(key);
    c->set_count(count);
  }
}

}  // namespace

v1::AnnualReport AnnualFigures(int year, const std::vector<v1::TrackedPartnership>& records,
                               const std::vector<CompletedReview>& reviews,
                               absl::CivilDay today) {
  v1::AnnualReport report;
  report.set_name(absl::StrCat("annualReports/", year));
  report.set_year(year);
  const std::string first = absl::StrFormat("%04d-01-01", year);
  const std::string last = absl::StrFormat("%04d-12-31", year);
  absl::CivilDay next_year(year + 1, 1, 1);
  absl::CivilDay as_of = today < next_year ? today : next_year;
  report.set_overdue_as_of_date(FormatDate(as_of));
  auto in_year = [&](const std::string& date) {
    return !date.empty() && date >= first && date <= last;
  };

  std::map<std::string, int> by_tier, by_state, by_type;
  for (const auto& record : records) {
    if (in_year(record.created_date())) report.set_entered(report.entered() + 1);
    if (in_year(record.closed_date())) report.set_exited(report.exited() + 1);
    const auto state = static_cast<registry::State>(record.state());
    if (state == registry::STATE_UNSPECIFIED || state == registry::SCREENED_OUT ||
        state == registry::REJECTED || record.screened_out()) {
      continue;
    }
    if (!record.created_date().empty() && record.created_date() > last) continue;
    if (!record.closed_date().empty() && record.closed_date() < first) continue;
    report.set_partnerships(report.partnerships() + 1);
    ++by_tier[record.tier() == assessment::TIER_UNSPECIFIED ? "UNASSESSED"
                                                            : assessment::Tier_Name(record.tier())];
    ++by_state[registry::State_Name(state)];
    report.set_money_pence(report.money_pence() + record.money_pence());
    report.set_in_kind_pence(report.in_kind_pence() + record.in_kind_pence());
    for (const auto& item : record.items()) {
      if (IsOverdue(item, as_of)) report.set_reviews_overdue(report.reviews_overdue() + 1);
    }
  }
  report.set_committed_pence(report.money_pence() + report.in_kind_pence());
  for (const auto& review : reviews) {
    if (!in_year(review.completed_date)) continue;
    report.set_reviews_done(report.reviews_done() + 1);
    ++by_type[assessment::ReviewType_Name(review.type)];
  }
  AddCounts(by_tier, report.mutable_by_tier());
  AddCounts(by_state, report.mutable_by_state());
  AddCounts(by_type, report.mutable_reviews_done_by_type());
  report.set_csv(AnnualCsv(report));
  return report;
}

std::string AnnualCsv(const v1::AnnualReport& report) {
  std::string csv = "section,key,value\n";
  auto line = [&](absl::string_view section, absl::string_view key, int64_t value) {
    absl::StrAppend(&csv, section, ",", key, ",", value, "\n");
  };
  line("year", "year", report.year());
  line("partnerships", "total", report.partnerships());
  for (const auto& c : report.by_tier()) line("tier", c.key(), c.count());
  for (const auto& c : report.by_state()) line("state", c.key(), c.count());
  line("reviews", "done", report.reviews_done());
  for (const auto& c : report.reviews_done_by_type()) line("reviews_done", c.key(), c.count());
  line("reviews", "overdue", report.reviews_overdue());
  line("money", "money_pence", report.money_pence());
  line("money", "in_kind_pence", report.in_kind_pence());
  line("money", "committed_pence", report.committed_pence());
  line("movement", "entered", report.entered());
  line("movement", "exited", report.exited());
  return csv;
}

}  // namespace accord::review
