#include "services/review/domain/review_schedule.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "services/review/domain/calendar_date.h"

namespace accord::review {

std::vector<ReviewCadence> RequiredCadences(const Protocol& protocol, Tier tier, bool key) {
  std::vector<ReviewCadence> cadences;
  auto add = [&](const ReviewCadence& cadence) {
    if (cadence.every_months() <= 0) return;
    for (const auto& existing : cadences) {
      if (existing.type() == cadence.type()) return;
    }
    cadences.push_back(cadence);
  };
  for (const auto& requirement : protocol.tier_requirements()) {
    if (requirement.tier() != tier) continue;
    for (const auto& cadence : requirement.reviews()) add(cadence);
  }
  if (key) {
    for (const auto& cadence : protocol.key_partnership().reviews()) add(cadence);
  }
  return cadences;
}

absl::CivilDay FirstDueDate(absl::CivilDay approval, int every_months, absl::CivilDay effective) {
  for (int periods = 1;; ++periods) {
    // From the approval each time, so that month-end clamping does not drift.
    absl::CivilDay due = AddMonths(approval, periods * every_months);
    if (due > effective) return due;
  }
}

std::vector<v1::DueItem> Reschedule(const std::vector<v1::DueItem>& current,
                                    const std::vector<ReviewCadence>& cadences,
                                    absl::CivilDay approval, absl::CivilDay effective) {
  std::map<int, v1::DueItem> kept;
  for (const auto& item : current) kept[item.type()] = item;
  std::vector<v1::DueItem> items;
  for (const auto& cadence : cadences) {
    v1::DueItem item;
    if (auto it = kept.find(cadence.type()); it != kept.end()) {
      item = it->second;
    } else {
      item.set_type(cadence.type());
      item.set_due_date(FormatDate(FirstDueDate(approval, cadence.every_months(), effective)));
    }
    item.set_every_months(cadence.every_months());
    item.set_form(cadence.form());
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(),
            [](const v1::DueItem& a, const v1::DueItem& b) { return a.type() < b.type(); });
  return items;
}

absl::Status CompleteDueItem(std::vector<v1::DueItem>& items, ReviewType type,
                             absl::CivilDay done) {
  for (auto& item : items) {
    if (item.type() != type) continue;
    item.set_due_date(FormatDate(AddMonths(done, item.every_months())));
    item.set_last_done_date(FormatDate(done));
    return absl::OkStatus();
  }
  std::string scheduled;
  for (const auto& item : items) {
    absl::StrAppend(&scheduled, scheduled.empty() ? "" : ", ",
                    accord::assessment::v1::ReviewType_Name(item.type()));
  }
  return api::Error(
      absl::StatusCode::kFailedPrecondition, "REVIEW_NOT_SCHEDULED",
      absl::StrCat("review.type: ", accord::assessment::v1::ReviewType_Name(type),
                   " is not on this partnership's schedule; scheduled: ",
                   scheduled.empty() ? "none (not approved, or closed)" : scheduled));
}

bool IsOverdue(const v1::DueItem& item, absl::CivilDay as_of) {
  return item.due_date() < FormatDate(as_of);
}

std::string DueItemName(const std::string& partnership, ReviewType type) {
  return absl::StrCat(partnership, "/schedule/", accord::assessment::v1::ReviewType_Name(type));
}

}  // namespace accord::review
