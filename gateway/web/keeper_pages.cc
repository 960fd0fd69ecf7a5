#include "gateway/web/keeper_pages.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "gateway/web/html.h"
#include "gateway/web/register_pages.h"

namespace accord::gateway::web {
namespace {

constexpr absl::string_view kSiteName = "Partnerships Register: keeper";

PageFrame KeeperFrame(const KeeperIdentity& who, std::string title, std::string current) {
  PageFrame frame;
  frame.title = std::move(title);
  frame.site_name = std::string(kSiteName);
  frame.home = std::string(kKeeperPath);
  frame.current = std::move(current);
  if (who.officer.empty()) return frame;
  frame.nav = {{std::string(kKeeperPath), "Compliance"},
               {std::string(kKeeperDuePath), "Due and overdue"},
               {std::string(kKeeperRisksPath), "Risk heat map"},
               {std::string(kKeeperReportPath), "Annual report"},
               {std::string(kRegisterPath), "Public register"}};
  frame.header_extra_html =
      absl::StrCat("<form method=\"post\" action=\"", kKeeperLogoutPath, "\"><span>Signed in as ",
                   HtmlEscape(who.officer),
                   "</span> <button type=\"submit\" class=\"secondary\">Sign out</button></form>");
  return frame;
}

std::string ReviewTypeWords(int type) {
  if (!assessment::v1::ReviewType_IsValid(type) ||
      type == assessment::v1::REVIEW_TYPE_UNSPECIFIED) {
    return "Review";
  }
  return EnumWords(assessment::v1::ReviewType_Name(type));
}

std::string AssessmentTierWords(int tier) {
  if (!assessment::v1::Tier_IsValid(tier) || tier == 0) return "Not yet assessed";
  return EnumWords(assessment::v1::Tier_Name(tier));
}

// "band-very-high" for "Very high"; only letters and hyphens reach the class attribute.
std::string BandClass(absl::string_view band) {
  std::string out = "band-";
  for (char c : band) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (c == ' ' || c == '_' || c == '-') {
      out.push_back('-');
    }
  }
  return out;
}

std::string AnomalyRows(const std::vector<review::v1::Anomaly>& anomalies, bool with_name) {
  std::string out;
  for (const review::v1::Anomaly& a : anomalies) {
    out += "<tr>";
    if (with_name) {
      absl::StrAppend(&out, "<th scope=\"row\">",
                      Link(KeeperPartnershipUrl(a.partnership()),
                           a.display_name().empty() ? a.partnership() : a.display_name()),
                      "</th>");
    }
    absl::StrAppend(&out, "<td>", HtmlEscape(AnomalyWords(a.kind())), "</td><td>",
                    HtmlEscape(a.detail()), "</td></tr>\n");
  }
  return out;
}

// A matrix level's label with its number, which the protocol's label may already carry
// ("5 Critical"), or not ("High").
std::string LevelLabel(absl::string_view label, int level) {
  std::string number = std::to_string(level);
  if (absl::StartsWith(label, number)) return HtmlEscape(label);
  return absl::StrCat(number, " ", HtmlEscape(label));
}

// One matrix as a table: impact rows (highest first), likelihood columns (lowest first).
std::string HeatMapTable(const risk::v1::HeatMap& map, bool residual) {
  std::map<std::pair<int, int>, const risk::v1::HeatMapCell*> cells;
  for (const risk::v1::HeatMapCell& cell : map.cells()) {
    cells[{cell.impact(), cell.likelihood()}] = &cell;
  }
  const char* which = residual ? "residual" : "inherent";
  int total = 0;
  for (const auto& cell : map.cells()) {
    total += residual ? cell.residual_count() : cell.inherent_count();
  }
  std::string out =
      absl::StrCat("<div class=\"table-wrap\"><table class=\"heat-map\" id=\"", which,
                   "\" data-total=\"", total, "\">\n<caption>", residual ? "Residual" : "Inherent",
                   " risk: open risks by impact and likelihood (", total,
                   " placed)</caption>\n"
                   "<thead><tr><th scope=\"col\">Impact \\ Likelihood</th>");
  int likelihoods = map.likelihood_levels_size();
  int impacts = map.impact_levels_size();
  for (int l = 1; l <= likelihoods; ++l) {
    absl::StrAppend(&out, "<th scope=\"col\">", LevelLabel(map.likelihood_levels(l - 1), l),
                    "</th>");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (int i = impacts; i >= 1; --i) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", LevelLabel(map.impact_levels(i - 1), i),
                    "</th>");
    for (int l = 1; l <= likelihoods; ++l) {
      auto it = cells.find({i, l});
      int count = 0;
      std::string band;
      if (it != cells.end()) {
        count = residual ? it->second->residual_count() : it->second->inherent_count();
        band = it->second->band();
      }
      absl::StrAppend(&out, "<td class=\"num ", BandClass(band), "\" data-impact=\"", i,
                      "\" data-likelihood=\"", l, "\" data-count=\"", count, "\"><strong>", count,
                      "</strong> <span class=\"band\">", HtmlEscape(band), "</span></td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  return out;
}

std::string CountTable(absl::string_view id, absl::string_view caption,
                       absl::string_view key_heading,
                       const google::protobuf::RepeatedPtrField<review::v1::Count>& counts) {
  std::string out = absl::StrCat("<div class=\"table-wrap\"><table id=\"", id, "\"><caption>",
                                 HtmlEscape(caption), "</caption>\n<thead><tr><th scope=\"col\">",
                                 HtmlEscape(key_heading),
                                 "</th><th scope=\"col\" class=\"num\">Count</th></tr></thead>"
                                 "\n<tbody>\n");
  for (const review::v1::Count& c : counts) {
    absl::StrAppend(&out, "<tr><th scope=\"row\">", HtmlEscape(EnumWords(c.key())),
                    "</th><td class=\"num\">", c.count(), "</td></tr>\n");
  }
  if (counts.empty()) out += "<tr><td colspan=\"2\">None</td></tr>\n";
  out += "</tbody></table></div>\n";
  return out;
}

}  // namespace

std::string KeeperPartnershipUrl(absl::string_view resource_name) {
  absl::string_view id = resource_name;
  absl::ConsumePrefix(&id, "partnerships/");
  return absl::StrCat(kKeeperPath, "/partnerships/", UrlEncode(id));
}

std::string AnomalyWords(int kind) {
  switch (kind) {
    case review::v1::NOT_SCREENED:
      return "Not screened";
    case review::v1::NOT_ASSESSED:
      return "Not assessed";
    case review::v1::DOCUMENT_MISSING:
      return "Document missing for the tier";
    case review::v1::SIGN_OFF_MISSING:
      return "Sign-off missing";
    case review::v1::REVIEW_OVERDUE:
      return "Review overdue";
    case review::v1::RISKS_NOT_ESCALATED:
      return "Major risks not escalated";
    case review::v1::MEMORANDUM_MISSING:
      return "Key partnership without memorandum";
    case review::v1::EXIT_STRATEGY_MISSING:
      return "No exit strategy";
    default:
      return "Other";
  }
}

std::string RenderKeeperLogin(absl::string_view error, absl::string_view officer) {
  std::string main =
      "<h1>Sign in as the register keeper</h1>\n"
      "<p>Use the API key the council's operators issued to you and your officer id from the "
      "officer directory. The key is checked on every page and kept only in the gateway's "
      "memory; your browser holds a session cookie, never the key.</p>\n";
  if (!error.empty()) {
    absl::StrAppend(&main, "<p class=\"error\" role=\"alert\" id=\"login-error\">",
                    HtmlEscape(error), "</p>\n");
  }
  absl::StrAppend(&main, "<form method=\"post\" action=\"", kKeeperLoginPath,
                  "\" class=\"filters\" autocomplete=\"off\">\n"
                  "<div><label for=\"officer\">Officer id</label>"
                  "<input type=\"text\" id=\"officer\" name=\"officer\" required value=\"",
                  HtmlEscape(officer),
                  "\" autocomplete=\"username\"></div>\n"
                  "<div><label for=\"api_key\">API key</label>"
                  "<input type=\"password\" id=\"api_key\" name=\"api_key\" required "
                  "autocomplete=\"current-password\"></div>\n"
                  "<div><button type=\"submit\">Sign in</button></div>\n</form>\n");
  return RenderPage(KeeperFrame({}, "Sign in", std::string(kKeeperLoginPath)), main);
}

std::string RenderKeeperMessage(const KeeperIdentity& who, absl::string_view title,
                                absl::string_view message) {
  return RenderPage(KeeperFrame(who, std::string(title), ""),
                    absl::StrCat("<h1>", HtmlEscape(title), "</h1>\n<p class=\"error\">",
                                 HtmlEscape(message), "</p>\n"));
}

std::string RenderCompliance(const KeeperIdentity& who, const ComplianceOverview& overview) {
  std::map<int, int> by_kind;
  std::set<std::string> partnerships;
  for (const review::v1::Anomaly& a : overview.anomalies) {
    ++by_kind[a.kind()];
    partnerships.insert(a.partnership());
  }
  std::string main = absl::StrCat(
      "<h1>Compliance</h1>\n<p>Anomalies and omissions across the register as of <time>",
      HtmlEscape(overview.as_of_date), "</time>: <strong id=\"anomaly-total\">",
      overview.anomalies.size(), "</strong> in <strong id=\"partnership-total\">",
      partnerships.size(), "</strong> partnerships.</p>\n");
  if (overview.truncated) {
    main +=
        "<p class=\"notice\">The list is longer than this page reads; the counts cover the "
        "first part only.</p>\n";
  }
  main +=
      "<h2>Council-wide counts</h2>\n<div class=\"table-wrap\"><table id=\"anomaly-counts\">"
      "<caption>Anomalies by kind</caption>\n<thead><tr><th scope=\"col\">Kind</th>"
      "<th scope=\"col\" class=\"num\">Count</th></tr></thead>\n<tbody>\n";
  for (int kind = review::v1::AnomalyKind_MIN + 1; kind <= review::v1::AnomalyKind_MAX; ++kind) {
    if (!review::v1::AnomalyKind_IsValid(kind)) continue;
    absl::StrAppend(&main, "<tr><th scope=\"row\">", HtmlEscape(AnomalyWords(kind)),
                    "</th><td class=\"num\" data-kind=\"", review::v1::AnomalyKind_Name(kind),
                    "\">", by_kind[kind], "</td></tr>\n");
  }
  main += "</tbody></table></div>\n<h2>By partnership</h2>\n";
  if (overview.anomalies.empty()) {
    main += "<p>Nothing is missing.</p>\n";
  } else {
    std::vector<review::v1::Anomaly> sorted = overview.anomalies;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return a.partnership() < b.partnership();
    });
    absl::StrAppend(&main,
                    "<div class=\"table-wrap\"><table id=\"anomalies\"><caption>Anomalies by "
                    "partnership</caption>\n<thead><tr><th scope=\"col\">Partnership</th>"
                    "<th scope=\"col\">What is missing</th><th scope=\"col\">Detail</th></tr>"
                    "</thead>\n<tbody>\n",
                    AnomalyRows(sorted, true), "</tbody></table></div>\n");
  }
  return RenderPage(KeeperFrame(who, "Compliance", std::string(kKeeperPath)), main);
}

std::string RenderPartnershipCompliance(const KeeperIdentity& who,
                                        const review::v1::Compliance& compliance,
                                        const risk::v1::HeatMap& heat_map) {
  std::string title =
      compliance.display_name().empty() ? compliance.name() : compliance.display_name();
  std::string main = absl::StrCat(
      "<p>", Link(kKeeperPath, "Back to compliance"), "</p>\n<h1>", HtmlEscape(title),
      "</h1>\n<dl class=\"facts\"><dt>Status</dt><dd>", HtmlEscape(EnumWords(compliance.state())),
      "</dd><dt>Tier</dt><dd>", HtmlEscape(AssessmentTierWords(compliance.tier())),
      "</dd><dt>Key partnership</dt><dd>", compliance.key_partnership() ? "Yes" : "No",
      "</dd><dt>As of</dt><dd>", HtmlEscape(compliance.as_of_date()),
      "</dd></dl>\n"
      "<h2>Anomalies and omissions</h2>\n");
  if (compliance.anomalies().empty()) {
    main += "<p>Nothing is missing.</p>\n";
  } else {
    std::vector<review::v1::Anomaly> anomalies(compliance.anomalies().begin(),
                                               compliance.anomalies().end());
    absl::StrAppend(&main,
                    "<div class=\"table-wrap\"><table id=\"anomalies\"><caption>Anomalies"
                    "</caption>\n<thead><tr><th scope=\"col\">What is missing</th>"
                    "<th scope=\"col\">Detail</th></tr></thead>\n<tbody>\n",
                    AnomalyRows(anomalies, false), "</tbody></table></div>\n");
  }
  absl::StrAppend(&main, "<h2>Risk heat map</h2>\n", RenderHeatMapTables(heat_map));
  return RenderPage(KeeperFrame(who, title, ""), main);
}

std::string RenderDueWork(const KeeperIdentity& who, const DueWork& due) {
  std::string within = std::to_string(due.within_days);
  std::string main = absl::StrCat(
      "<h1>Due and overdue</h1>\n<form class=\"filters\" method=\"get\" action=\"", kKeeperDuePath,
      "\">\n<div><label for=\"within\">Due within</label><select id=\"within\" name=\"within\">",
      Option("0", "Overdue or due today", within), Option("30", "30 days", within),
      Option("90", "90 days", within), Option("365", "one year", within),
      "</select></div>\n<div class=\"check\"><input type=\"checkbox\" id=\"overdue\" "
      "name=\"overdue\" value=\"1\"",
      due.overdue_only ? " checked" : "",
      "><label for=\"overdue\">Overdue only</label></div>\n"
      "<div><button type=\"submit\">Show</button></div>\n</form>\n<p id=\"due-summary\" "
      "role=\"status\">As of <time>",
      HtmlEscape(due.as_of_date), "</time>: ", due.items.size(),
      due.items.size() == 1 ? " item" : " items", " on this page.</p>\n");
  if (!due.items.empty()) {
    main +=
        "<div class=\"table-wrap\"><table id=\"due-items\"><caption>Reviews due, earliest "
        "first</caption>\n<thead><tr><th scope=\"col\">Due</th><th scope=\"col\">Partnership</th>"
        "<th scope=\"col\">Review</th><th scope=\"col\">Form</th><th scope=\"col\">Last done"
        "</th><th scope=\"col\">State</th></tr></thead>\n<tbody>\n";
    for (const review::v1::DueItem& item : due.items) {
      absl::StrAppend(
          &main, "<tr><td>", HtmlEscape(item.due_date()), "</td><th scope=\"row\">",
          Link(KeeperPartnershipUrl(item.partnership()),
               item.display_name().empty() ? item.partnership() : item.display_name()),
          "</th><td>", HtmlEscape(ReviewTypeWords(item.type())), "</td><td>",
          HtmlEscape(item.form()), "</td><td>",
          HtmlEscape(item.last_done_date().empty() ? "Never" : item.last_done_date()), "</td><td>",
          item.overdue() ? "<span class=\"overdue\">Overdue</span>" : "Due", "</td></tr>\n");
    }
    main += "</tbody></table></div>\n";
  }
  auto url = [&](absl::string_view page) {
    std::string query = QueryString({{"within", within},
                                     {"overdue", due.overdue_only ? "1" : ""},
                                     {"page", std::string(page)}});
    return absl::StrCat(kKeeperDuePath, "?", query);
  };
  std::string pager;
  if (!due.page.empty()) pager += Link(url(""), "First page");
  if (!due.next_page_token.empty()) {
    absl::StrAppend(&pager, "<a rel=\"next\" href=\"", HtmlEscape(url(due.next_page_token)),
                    "\">Next page</a>");
  }
  if (!pager.empty()) {
    absl::StrAppend(&main, "<nav class=\"pager\" aria-label=\"Pages\">", pager, "</nav>\n");
  }
  return RenderPage(KeeperFrame(who, "Due and overdue", std::string(kKeeperDuePath)), main);
}

std::string RenderHeatMapTables(const risk::v1::HeatMap& map) {
  std::string out = absl::StrCat(
      "<p id=\"heat-map-summary\">Open risks: <strong id=\"open-risks\">", map.open_risks(),
      "</strong>",
      map.unplaced_risks() > 0
          ? absl::StrCat(" (", map.unplaced_risks(), " rated on another matrix and not placed)")
          : std::string(),
      ". Matrix of ", HtmlEscape(map.protocol().empty() ? "the protocol" : map.protocol()),
      map.protocol_version() > 0 ? absl::StrCat(" version ", map.protocol_version()) : "",
      ". Each cell gives the number of risks and the band.</p>\n");
  absl::StrAppend(&out, HeatMapTable(map, /*residual=*/false), HeatMapTable(map, true));
  return out;
}

std::string RenderHeatMapPage(const KeeperIdentity& who, absl::string_view partnership,
                              const risk::v1::HeatMap& heat_map) {
  std::string main = absl::StrCat(
      "<h1>Risk heat map</h1>\n<form class=\"filters\" method=\"get\" action=\"", kKeeperRisksPath,
      "\">\n<div><label for=\"partnership\">Partnership id (empty for the whole council)"
      "</label><input type=\"text\" id=\"partnership\" name=\"partnership\" value=\"",
      HtmlEscape(partnership),
      "\" maxlength=\"63\"></div>\n<div><button type=\"submit\">Show</button></div>\n</form>\n"
      "<p>",
      partnership.empty()
          ? "Whole council."
          : absl::StrCat("Partnership ", Link(KeeperPartnershipUrl(partnership), partnership), "."),
      "</p>\n", RenderHeatMapTables(heat_map));
  return RenderPage(KeeperFrame(who, "Risk heat map", std::string(kKeeperRisksPath)), main);
}

std::string RenderAnnualReport(const KeeperIdentity& who, const review::v1::AnnualReport& r) {
  std::string year = std::to_string(r.year());
  std::string main = absl::StrCat(
      "<h1>Annual report ", year, "</h1>\n<form class=\"filters\" method=\"get\" action=\"",
      kKeeperReportPath,
      "\">\n<div><label for=\"year\">Year</label><input type=\"number\" id=\"year\" "
      "name=\"year\" min=\"2000\" max=\"2100\" value=\"",
      year, "\"></div>\n<div><button type=\"submit\">Show</button></div>\n</form>\n<p>",
      "<a class=\"button\" id=\"report-download\" href=\"",
      HtmlEscape(absl::StrCat(kKeeperReportCsvPath, "?year=", year)),
      "\" download>"
      "Download the report (CSV)</a></p>\n"
      "<dl class=\"facts\" id=\"report-figures\">\n<dt>Partnerships on the register</dt><dd>",
      r.partnerships(), "</dd>\n<dt>Entered in the year</dt><dd>", r.entered(),
      "</dd>\n<dt>Exited in the year</dt><dd>", r.exited(), "</dd>\n<dt>Reviews done</dt><dd>",
      r.reviews_done(), "</dd>\n<dt>Reviews overdue</dt><dd>", r.reviews_overdue(),
      r.overdue_as_of_date().empty()
          ? ""
          : absl::StrCat(" (as of ", HtmlEscape(r.overdue_as_of_date()), ")"),
      "</dd>\n<dt>Council money committed</dt><dd>", HtmlEscape(FormatPence(r.money_pence())),
      "</dd>\n<dt>Council contribution in kind</dt><dd>",
      HtmlEscape(FormatPence(r.in_kind_pence())),
      "</dd>\n<dt>Contributions committed (finance system)</dt><dd>",
      HtmlEscape(FormatPence(r.committed_pence())), "</dd>\n</dl>\n");
  absl::StrAppend(
      &main, "<h2>Partnerships by tier and status</h2>\n",
      CountTable("by-tier", "By tier", "Tier", r.by_tier()),
      CountTable("by-state", "By status", "Status", r.by_state()), "<h2>Reviews</h2>\n",
      CountTable("reviews-by-type", "Reviews done by type", "Review", r.reviews_done_by_type()));
  return RenderPage(
      KeeperFrame(who, absl::StrCat("Annual report ", year), std::string(kKeeperReportPath)), main);
}

}  // namespace accord::gateway::web
