// The register keeper's dashboard (Bolsover section 7): compliance, due work, the risk heat
// map and the annual report, rendered from the review and risk services' answers. Read
// only. Pure functions of their data; thread-safe.
#ifndef ACCORD_GATEWAY_WEB_KEEPER_PAGES_H_
#define ACCORD_GATEWAY_WEB_KEEPER_PAGES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "accord/review/v1/review.pb.h"
#include "accord/risk/v1/risk.pb.h"

namespace accord::gateway::web {

inline constexpr absl::string_view kKeeperPath = "/keeper";
inline constexpr absl::string_view kKeeperLoginPath = "/keeper/login";
inline constexpr absl::string_view kKeeperLogoutPath = "/keeper/logout";
inline constexpr absl::string_view kKeeperDuePath = "/keeper/due";
inline constexpr absl::string_view kKeeperRisksPath = "/keeper/risks";
inline constexpr absl::string_view kKeeperReportPath = "/keeper/annual-report";
inline constexpr absl::string_view kKeeperReportCsvPath = "/keeper/annual-report.csv";

// Who is signed in, for the page header.
struct KeeperIdentity {
  std::string officer;  // the officer id as the keeper signed in
};

// The sign-in form. `error` (may be empty) is shown above it; `officer` refills its field.
// The API key field is never refilled.
std::string RenderKeeperLogin(absl::string_view error, absl::string_view officer);

// A page saying what went wrong, inside the keeper's frame.
std::string RenderKeeperMessage(const KeeperIdentity& who, absl::string_view title,
                                absl::string_view message);

// Council-wide compliance: every anomaly as of a date, counted by kind and listed by
// partnership.
struct ComplianceOverview {
  std::string as_of_date;
  std::vector<review::v1::Anomaly> anomalies;
  // The anomaly list was longer than the dashboard reads; counts cover what was read.
  bool truncated = false;
};
std::string RenderCompliance(const KeeperIdentity& who, const ComplianceOverview& overview);

// One partnership's compliance and its risk heat map.
std::string RenderPartnershipCompliance(const KeeperIdentity& who,
                                        const review::v1::Compliance& compliance,
                                        const risk::v1::HeatMap& heat_map);

// What is due or overdue.
struct DueWork {
  std::string as_of_date;
  int within_days = 30;
  bool overdue_only = false;
  std::vector<review::v1::DueItem> items;
  std::string page;             // the page token this page was read with
  std::string next_page_token;  // empty on the last page
};
std::string RenderDueWork(const KeeperIdentity& who, const DueWork& due);

// The heat map page: council-wide when `partnership` is empty, else that partnership's.
std::string RenderHeatMapPage(const KeeperIdentity& who, absl::string_view partnership,
                              const risk::v1::HeatMap& heat_map);

// Both heat map tables (inherent, then residual) with their counts; rows are impact levels,
// highest first, columns likelihood levels, lowest first. Each count cell carries
// data-impact, data-likelihood and data-count attributes for machine checks.
std::string RenderHeatMapTables(const risk::v1::HeatMap& heat_map);

std::string RenderAnnualReport(const KeeperIdentity& who, const review::v1::AnnualReport& report);

// The URL of the keeper's page for one partnership ("partnerships/x" -> "/keeper/partnerships/x").
std::string KeeperPartnershipUrl(absl::string_view resource_name);

// Words for an anomaly kind ("REVIEW_OVERDUE" -> "Review overdue").
std::string AnomalyWords(int kind);

}  // namespace accord::gateway::web

#endif  // ACCORD_GATEWAY_WEB_KEEPER_PAGES_H_
