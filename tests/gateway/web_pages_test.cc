// The web pages' pure parts: escaping, URLs, the register's and the keeper's pages, sessions.
#include "gateway/web/web_pages.h"

#include <regex>
#include <set>
#include <string>

#include "gateway/web/html.h"
#include "gateway/web/keeper_pages.h"
#include "gateway/web/keeper_sessions.h"
#include "gateway/web/register_pages.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::gateway::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kScript[] = "<script>alert('x')</script>\"&";

// Every <input>/<select> with an id has a <label for=id>.
void ExpectEveryControlLabelled(const std::string& html) {
  std::regex control(R"re(<(input|select)[^>]*\sid="([^"]+)")re");
  std::set<std::string> labels;
  std::regex label(R"re(<label for="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), label);
       it != std::sregex_iterator(); ++it) {
    labels.insert((*it)[1]);
  }
  int controls = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), control);
       it != std::sregex_iterator(); ++it) {
    ++controls;
    EXPECT_TRUE(labels.count((*it)[2])) << "no label for control " << (*it)[2];
  }
  EXPECT_GT(controls, 0);
}

TEST(HtmlEscape, EscapesEveryCharacterThatCanEndTextOrAnAttribute) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain words"), "plain words");
}

TEST(UrlEncode, EncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(UrlEncode("Az09-._~"), "Az09-._~");
}

TEST(QueryString, SkipsEmptyValuesAndEncodesTheRest) {
  EXPECT_EQ(QueryString({{"q", "leisure trust"}, {"status", ""}, {"page", "a+b="}}),
            "q=leisure%20trust&page=a%2Bb%3D");
  EXPECT_EQ(QueryString({{"q", ""}}), "");
}

TEST(ParseFormEncoded, DecodesPlusAndPercentAndKeepsTheFirstOfARepeatedName) {
  auto form = ParseFormEncoded("q=leisure+trust&lead=Arts%20%26%20Culture&q=other&bad=%zz&x");
  EXPECT_EQ(form["q"], "leisure trust");
  EXPECT_EQ(form["lead"], "Arts & Culture");
  EXPECT_EQ(form["bad"], "%zz");
  EXPECT_EQ(form["x"], "");
}

TEST(FormatPence, GroupsThousandsAndDropsZeroPence) {
  EXPECT_EQ(FormatPence(123456), "\u00a31,234.56");
  EXPECT_EQ(FormatPence(100000000), "\u00a31,000,000");
  EXPECT_EQ(FormatPence(5), "\u00a30.05");
  EXPECT_EQ(FormatPence(0), "\u00a30");
}

TEST(IsPartnershipId, AcceptsAip122IdsOnly) {
  EXPECT_TRUE(IsPartnershipId("leisure-trust"));
  EXPECT_TRUE(IsPartnershipId("p-0123456789abcdef"));
  EXPECT_FALSE(IsPartnershipId("ab"));
  EXPECT_FALSE(IsPartnershipId("Leisure"));
  EXPECT_FALSE(IsPartnershipId("../v1/partnerships"));
  EXPECT_FALSE(IsPartnershipId("a%2e%2e"));
  EXPECT_FALSE(IsPartnershipId("9lives"));
}

TEST(RegisterQuery, UnknownStatusAndTierAreDroppedWithAProblem) {
  std::vector<std::string> problems;
  RegisterQuery q = ParseRegisterQuery(
      {{"q", "  Leisure "}, {"status", "ACTIVE"}, {"tier", "HUGE"}, {"lead", "Arts"}}, &problems);
  EXPECT_EQ(q.q, "Leisure");
  EXPECT_EQ(q.status, "ACTIVE");
  EXPECT_EQ(q.tier, "");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("HUGE"));
  problems.clear();
  EXPECT_EQ(ParseRegisterQuery({{"status", "STATE_UNSPECIFIED"}}, &problems).status, "");
  EXPECT_EQ(problems.size(), 1u);
}

TEST(RegisterFilter, JoinsChosenFiltersAndQuotesTheLeadService) {
  RegisterQuery q;
  EXPECT_EQ(RegisterFilter(q), "");
  q.status = "ACTIVE";
  q.tier = "MAJOR";
  q.lead = "Arts \"and\" \\ Culture";
  EXPECT_EQ(RegisterFilter(q),
            "state = ACTIVE AND tier = MAJOR AND lead_service = \"Arts \\\"and\\\" \\\\ Culture\"");
}

TEST(NameMatches, IgnoresCaseAndSurroundingSpaces) {
  EXPECT_TRUE(NameMatches("Leisure Trust", "  leisure "));
  EXPECT_TRUE(NameMatches("Leisure Trust", "TRUST"));
  EXPECT_TRUE(NameMatches("Leisure Trust", ""));
  EXPECT_FALSE(NameMatches("Leisure Trust", "housing"));
}

TEST(RegisterListUrl, CarriesEveryFilterAndThePageToken) {
  RegisterQuery q;
  q.q = "a&b";
  q.tier = "MAJOR";
  EXPECT_EQ(RegisterListUrl(q, "tok/=="), "/register?q=a%26b&tier=MAJOR&page=tok%2F%3D%3D");
  EXPECT_EQ(RegisterListUrl(RegisterQuery{}, ""), "/register");
  EXPECT_EQ(PartnershipPageUrl("partnerships/leisure-trust"),
            "/register/partnerships/leisure-trust");
}

registry::v1::PublicPartnership Hostile() {
  registry::v1::PublicPartnership p;
  p.set_name("partnerships/hostile");
  p.set_display_name(kScript);
  p.set_remit(kScript);
  p.set_lead_service(kScript);
  p.set_monitoring_arrangements(kScript);
  p.add_corporate_aims(kScript);
  auto* partner = p.add_partners();
  partner->set_organisation(kScript);
  partner->set_role(kScript);
  auto* doc = p.add_documents();
  doc->set_kind(kScript);
  doc->set_title(kScript);
  doc->set_reference("javascript:alert(1)");
  doc->set_date(kScript);
  auto* summary = p.add_annual_summaries();
  summary->set_year(2025);
  summary->set_text(kScript);
  p.set_state(registry::v1::ACTIVE);
  p.set_tier(registry::v1::MAJOR);
  return p;
}

TEST(RegisterList, EscapesEveryValueAndTheQueryEchoedInTheForm) {
  RegisterListing listing;
  listing.query.q = kScript;
  listing.query.lead = kScript;
  listing.query.page = "t";
  listing.partnerships.push_back(Hostile());
  listing.next_page_token = "\"><script>";
  std::string html = RenderRegisterList(listing);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("alert('x')")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"));
  EXPECT_THAT(html, HasSubstr("href=\"/register/partnerships/hostile\""));
  EXPECT_THAT(html, HasSubstr("rel=\"next\""));
  EXPECT_THAT(html, HasSubstr("First page"));
}

TEST(RegisterList, IsAGetFormWithALabelForEveryControlAndTheChosenOptionsSelected) {
  RegisterListing listing;
  listing.query.status = "UNDER_REVIEW";
  listing.query.tier = "MODERATE";
  std::string html = RenderRegisterList(listing);
  EXPECT_THAT(html, HasSubstr("method=\"get\" action=\"/register\""));
  EXPECT_THAT(html, HasSubstr("<option value=\"UNDER_REVIEW\" selected>Under review</option>"));
  EXPECT_THAT(html, HasSubstr("<option value=\"MODERATE\" selected>Moderate</option>"));
  EXPECT_THAT(html, HasSubstr("<meta name=\"viewport\""));
  EXPECT_THAT(html, HasSubstr("<html lang=\"en-GB\">"));
  EXPECT_THAT(html, HasSubstr("/register/open-data.csv"));
  ExpectEveryControlLabelled(html);
}

TEST(RegisterList, SaysWhenNothingMatchesAndShowsTheError) {
  RegisterListing listing;
  listing.query.q = "zzz";
  EXPECT_THAT(RenderRegisterList(listing), HasSubstr("No partnerships on this page match."));
  listing.error = "The register cannot be read just now.";
  EXPECT_THAT(RenderRegisterList(listing), HasSubstr("role=\"alert\""));
}

TEST(PartnershipPage, EscapesEveryValueAndLinksOnlyHttpReferences) {
  registry::v1::PublicPartnership p = Hostile();
  std::string html = RenderPartnershipPage(
      p, ReviewOutcome{"ANNUAL_REVIEW", "2026-03-01", "CONTINUE_WITH_CHANGES"}, "");
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(html, HasSubstr("javascript:alert(1)"));  // shown as text
  EXPECT_THAT(html, HasSubstr("Continue with changes"));
  EXPECT_THAT(html, HasSubstr("Annual review"));
  p.mutable_documents(0)->set_reference("https://example.org/tor.pdf");
  EXPECT_THAT(RenderPartnershipPage(p, std::nullopt, ""),
              HasSubstr("<a href=\"https://example.org/tor.pdf\">"));
}

TEST(PartnershipPage, SaysWhatIsNotPublishedAndWhenThereIsNoReview) {
  registry::v1::PublicPartnership p;
  p.set_name("partnerships/quiet");
  p.set_display_name("Quiet Partnership");
  std::string html = RenderPartnershipPage(p, std::nullopt, "");
  EXPECT_THAT(html, HasSubstr("No review has been completed yet."));
  EXPECT_THAT(html, HasSubstr("Not published"));
  EXPECT_THAT(html, HasSubstr("Not yet assessed"));
  EXPECT_THAT(RenderPartnershipPage(p, std::nullopt, "Reviews cannot be shown just now."),
              HasSubstr("Reviews cannot be shown just now."));
}

risk::v1::HeatMap ThreeByThree() {
  risk::v1::HeatMap map;
  map.set_protocol("chesterfield");
  map.set_protocol_version(1);
  for (const char* level : {"Low", "Medium", "High"}) map.add_impact_levels(level);
  for (const char* level : {"1 Rare", "2 Possible", "3 Likely"}) map.add_likelihood_levels(level);
  for (int i = 1; i <= 3; ++i) {
    for (int l = 1; l <= 3; ++l) {
      auto* cell = map.add_cells();
      cell->set_impact(i);
      cell->set_likelihood(l);
      cell->set_band(i * l >= 6 ? "High" : i * l >= 3 ? "Medium" : "Low");
      cell->set_inherent_count(i == 3 && l == 2 ? 4 : 0);
      cell->set_residual_count(i == 1 && l == 1 ? 3 : i == 2 && l == 1 ? 1 : 0);
    }
  }
  map.set_open_risks(4);
  return map;
}

TEST(HeatMap, CountsSitInTheirCellsWithHighestImpactFirst) {
  std::string html = RenderHeatMapTables(ThreeByThree());
  EXPECT_THAT(html, HasSubstr("id=\"inherent\" data-total=\"4\""));
  EXPECT_THAT(html, HasSubstr("id=\"residual\" data-total=\"4\""));
  EXPECT_THAT(html, HasSubstr("data-impact=\"3\" data-likelihood=\"2\" data-count=\"4\""));
  EXPECT_THAT(html, HasSubstr("data-impact=\"1\" data-likelihood=\"1\" data-count=\"3\""));
  EXPECT_THAT(html, HasSubstr("class=\"num band-high\""));
  // Impact 3 (High) is the first body row.
  size_t body = html.find("<tbody>");
  EXPECT_LT(html.find("<th scope=\"row\">3 High</th>", body),
            html.find("<th scope=\"row\">1 Low</th>", body));
  EXPECT_THAT(html, HasSubstr("<caption>Inherent risk"));
  // A label that already carries its number is not numbered twice.
  EXPECT_THAT(html, HasSubstr("<th scope=\"col\">1 Rare</th>"));
}

TEST(HeatMap, BandNamesCannotInjectIntoTheClassAttribute) {
  risk::v1::HeatMap map = ThreeByThree();
  map.mutable_cells(0)->set_band("x\" onclick=\"alert(1)");
  std::string html = RenderHeatMapTables(map);
  EXPECT_THAT(html, Not(HasSubstr("onclick=\"")));
  EXPECT_THAT(html, HasSubstr("band-x-onclickalert"));
}

TEST(Compliance, CountsEveryKindCouncilWideAndListsByPartnership) {
  ComplianceOverview overview;
  overview.as_of_date = "2026-06-30";
  auto add = [&](const char* p, review::v1::AnomalyKind kind) {
    review::v1::Anomaly a;
    a.set_partnership(p);
    a.set_display_name(kScript);
    a.set_kind(kind);
    a.set_detail("ANNUAL_REVIEW due 2026-01-31");
    overview.anomalies.push_back(a);
  };
  add("partnerships/b-one", review::v1::REVIEW_OVERDUE);
  add("partnerships/a-two", review::v1::REVIEW_OVERDUE);
  add("partnerships/a-two", review::v1::NOT_SCREENED);
  std::string html = RenderCompliance({"officers/keeper"}, overview);
  EXPECT_THAT(html, HasSubstr("<strong id=\"anomaly-total\">3</strong>"));
  EXPECT_THAT(html, HasSubstr("<strong id=\"partnership-total\">2</strong>"));
  EXPECT_THAT(html, HasSubstr("data-kind=\"REVIEW_OVERDUE\">2</td>"));
  EXPECT_THAT(html, HasSubstr("data-kind=\"NOT_SCREENED\">1</td>"));
  EXPECT_THAT(html, HasSubstr("data-kind=\"EXIT_STRATEGY_MISSING\">0</td>"));
  EXPECT_THAT(html, HasSubstr("href=\"/keeper/partnerships/a-two\""));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("Signed in as officers/keeper"));
  EXPECT_THAT(html, HasSubstr("action=\"/keeper/logout\""));
}

TEST(DueWork, MarksOverdueItemsAndKeepsTheFilterInThePager) {
  DueWork due;
  due.as_of_date = "2026-06-30";
  due.within_days = 90;
  due.overdue_only = true;
  review::v1::DueItem item;
  item.set_partnership("partnerships/leisure-trust");
  item.set_display_name("Leisure Trust");
  item.set_type(assessment::v1::ANNUAL_REVIEW);
  item.set_due_date("2026-01-31");
  item.set_overdue(true);
  due.items.push_back(item);
  due.next_page_token = "next";
  std::string html = RenderDueWork({"officers/keeper"}, due);
  EXPECT_THAT(html, HasSubstr("<span class=\"overdue\">Overdue</span>"));
  EXPECT_THAT(html, HasSubstr("Annual review"));
  EXPECT_THAT(html, HasSubstr("href=\"/keeper/due?within=90&amp;overdue=1&amp;page=next\""));
  EXPECT_THAT(html, HasSubstr("<option value=\"90\" selected>"));
  EXPECT_THAT(html, HasSubstr("id=\"overdue\" name=\"overdue\" value=\"1\" checked"));
  ExpectEveryControlLabelled(html);
}

TEST(AnnualReport, ShowsTheFiguresAndLinksTheCsvDownload) {
  review::v1::AnnualReport report;
  report.set_year(2026);
  report.set_partnerships(7);
  report.set_reviews_overdue(2);
  report.set_money_pence(2500000);
  auto* tier = report.add_by_tier();
  tier->set_key("MAJOR");
  tier->set_count(3);
  std::string html = RenderAnnualReport({"officers/keeper"}, report);
  EXPECT_THAT(html, HasSubstr("<h1>Annual report 2026</h1>"));
  EXPECT_THAT(html, HasSubstr("href=\"/keeper/annual-report.csv?year=2026\" download"));
  EXPECT_THAT(html, HasSubstr("\u00a325,000"));
  EXPECT_THAT(html, HasSubstr("<th scope=\"row\">Major</th><td class=\"num\">3</td>"));
  ExpectEveryControlLabelled(html);
}

TEST(KeeperLogin, PostsTheKeyInABodyAndNeverRefillsIt) {
  std::string html = RenderKeeperLogin("The API key was not accepted.", "officers/\"k\"");
  EXPECT_THAT(html, HasSubstr("method=\"post\" action=\"/keeper/login\""));
  EXPECT_THAT(html, HasSubstr("type=\"password\" id=\"api_key\" name=\"api_key\" required"));
  EXPECT_THAT(html, HasSubstr("value=\"officers/&quot;k&quot;\""));
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  ExpectEveryControlLabelled(html);
}

TEST(KeeperSessions, FindsALiveSessionAndForgetsItAtSignOutOrExpiry) {
  KeeperSessions sessions(absl::Hours(1));
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  std::string cookie = sessions.Create("accord_key", "officers/keeper", now);
  EXPECT_GE(cookie.size(), 43u);
  auto found = sessions.Find(cookie, now + absl::Minutes(59));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->api_key, "accord_key");
  EXPECT_EQ(found->officer, "officers/keeper");
  EXPECT_FALSE(sessions.Find(cookie + "x", now).has_value());
  EXPECT_FALSE(sessions.Find("", now).has_value());
  EXPECT_FALSE(sessions.Find(cookie, now + absl::Hours(1)).has_value());

  std::string other = sessions.Create("k2", "officers/o", now);
  EXPECT_NE(other, cookie);
  sessions.End(other);
  EXPECT_FALSE(sessions.Find(other, now).has_value());
}

TEST(KeeperSessions, AFullTableDropsTheSessionClosestToExpiry) {
  KeeperSessions sessions(absl::Hours(1), /*max_sessions=*/2);
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  std::string first = sessions.Create("k1", "o1", now);
  std::string second = sessions.Create("k2", "o2", now + absl::Minutes(1));
  std::string third = sessions.Create("k3", "o3", now + absl::Minutes(2));
  EXPECT_FALSE(sessions.Find(first, now + absl::Minutes(3)).has_value());
  EXPECT_TRUE(sessions.Find(second, now + absl::Minutes(3)).has_value());
  EXPECT_TRUE(sessions.Find(third, now + absl::Minutes(3)).has_value());
}

TEST(KeeperCookie, IsHttpOnlyStrictAndScopedToTheDashboard) {
  EXPECT_EQ(KeeperCookieHeader("abc", absl::Hours(8), false),
            "accord_keeper=abc; Path=/keeper; Max-Age=28800; HttpOnly; SameSite=Strict");
  EXPECT_EQ(KeeperCookieHeader("abc", absl::Hours(8), true),
            "accord_keeper=abc; Path=/keeper; Max-Age=28800; HttpOnly; SameSite=Strict; Secure");
  EXPECT_THAT(KeeperCookieHeader("", absl::Hours(8), false), HasSubstr("Max-Age=0"));
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  RequestHeaders headers = {{"cookie", "theme=dark; accord_keeper=s3cret ; x=y"}};
  EXPECT_EQ(CookieValue(headers, "accord_keeper"), "s3cret");
  EXPECT_EQ(CookieValue(headers, "missing"), "");
  EXPECT_EQ(CookieValue({}, "accord_keeper"), "");
}

}  // namespace
}  // namespace accord::gateway::web
