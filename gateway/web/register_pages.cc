#include "gateway/web/register_pages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/filter.h"
#include "gateway/web/html.h"

namespace accord::gateway::web {
namespace {

using registry::v1::PublicPartnership;

constexpr absl::string_view kSiteName = "Partnerships Register";
constexpr absl::string_view kCollection = "partnerships/";

PageFrame PublicFrame(std::string title, std::string current) {
  PageFrame frame;
  frame.title = std::move(title);
  frame.site_name = std::string(kSiteName);
  frame.nav = {{std::string(kRegisterPath), "All partnerships"},
               {std::string(kOpenDataCsvPath), "Open data (CSV)"},
               {std::string(kOpenDataJsonPath), "Open data (JSON)"},
               {"/keeper", "Register keeper"}};
  frame.current = std::move(current);
  return frame;
}

bool IsStateName(absl::string_view name) {
  registry::v1::State state;
  return registry::v1::State_Parse(std::string(name), &state) &&
         state != registry::v1::STATE_UNSPECIFIED;
}

bool IsTierName(absl::string_view name) {
  registry::v1::Tier tier;
  return registry::v1::Tier_Parse(std::string(name), &tier);
}

std::string StatusSelect(absl::string_view current) {
  std::string out = absl::StrCat(Option("", "Any status", current));
  for (int i = registry::v1::State_MIN; i <= registry::v1::State_MAX; ++i) {
    if (!registry::v1::State_IsValid(i) || i == registry::v1::STATE_UNSPECIFIED) continue;
    absl::StrAppend(&out, Option(registry::v1::State_Name(i), StateWords(i), current));
  }
  return out;
}

std::string TierSelect(absl::string_view current) {
  std::string out = absl::StrCat(Option("", "Any tier", current));
  for (int i = registry::v1::Tier_MIN; i <= registry::v1::Tier_MAX; ++i) {
    if (!registry::v1::Tier_IsValid(i)) continue;
    absl::StrAppend(&out, Option(registry::v1::Tier_Name(i), TierWords(i), current));
  }
  return out;
}

std::string OrNotPublished(absl::string_view value) {
  return value.empty() ? "<span class=\"muted\">Not published</span>" : HtmlEscape(value);
}

// A document reference is a link only when it is an http(s) URL; anything else (a file
// reference, a javascript: URL) is shown as text.
std::string DocumentReference(absl::string_view reference) {
  if (absl::StartsWithIgnoreCase(reference, "https://") ||
      absl::StartsWithIgnoreCase(reference, "http://")) {
    return Link(reference, reference);
  }
  return HtmlEscape(reference);
}

std::string Paragraphs(absl::string_view text) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    absl::StrAppend(&out, "<p>", HtmlEscape(absl::StripAsciiWhitespace(line)), "</p>");
  }
  return out;
}

}  // namespace

std::string StateWords(int state) {
  if (!registry::v1::State_IsValid(state) || state == registry::v1::STATE_UNSPECIFIED) {
    return "Unknown";
  }
  return EnumWords(registry::v1::State_Name(state));
}

std::string TierWords(int tier) {
  if (!registry::v1::Tier_IsValid(tier) || tier == registry::v1::TIER_UNSPECIFIED) {
    return "Not yet assessed";
  }
  return EnumWords(registry::v1::Tier_Name(tier));
}

RegisterQuery ParseRegisterQuery(const std::map<std::string, std::string>& params,
                                 std::vector<std::string>* problems) {
  auto get = [&](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : std::string(absl::StripAsciiWhitespace(it->second));
  };
  RegisterQuery query;
  query.q = get("q").substr(0, 200);
  query.lead = get("lead").substr(0, 200);
  query.page = get("page");
  query.status = get("status");
  if (!query.status.empty() && !IsStateName(query.status)) {
    problems->push_back(
        absl::StrCat("There is no status called \"", query.status, "\"; showing every status."));
    query.status.clear();
  }
  query.tier = get("tier");
  if (!query.tier.empty() && !IsTierName(query.tier)) {
    problems->push_back(
        absl::StrCat("There is no tier called \"", query.tier, "\"; showing every tier."));
    query.tier.clear();
  }
  return query;
}

std::string RegisterFilter(const RegisterQuery& query) {
  std::vector<std::string> parts;
  if (!query.status.empty()) parts.push_back(absl::StrCat("state = ", query.status));
  if (!query.tier.empty()) parts.push_back(absl::StrCat("tier = ", query.tier));
  if (!query.lead.empty())
    parts.push_back(absl::StrCat("lead_service = ", api::QuoteFilterString(query.lead)));
  return absl::StrJoin(parts, " AND ");
}

bool NameMatches(absl::string_view display_name, absl::string_view q) {
  q = absl::StripAsciiWhitespace(q);
  if (q.empty()) return true;
  return absl::StrContains(absl::AsciiStrToLower(display_name), absl::AsciiStrToLower(q));
}

std::string RegisterListUrl(const RegisterQuery& query, absl::string_view page) {
  std::string params = QueryString({{"q", query.q},
                                    {"status", query.status},
                                    {"tier", query.tier},
                                    {"lead", query.lead},
                                    {"page", std::string(page)}});
  return params.empty() ? std::string(kRegisterPath) : absl::StrCat(kRegisterPath, "?", params);
}

std::string PartnershipPageUrl(absl::string_view resource_name) {
  absl::string_view id = resource_name;
  absl::ConsumePrefix(&id, kCollection);
  return absl::StrCat(kRegisterPath, "/partnerships/", UrlEncode(id));
}

std::string RenderRegisterList(const RegisterListing& listing) {
  const RegisterQuery& q = listing.query;
  std::string main = absl::StrCat(
      "<h1>Partnerships Register</h1>\n"
      "<p>The partnerships the council takes part in, as published for residents. Search by "
      "name or narrow the list by status, tier or lead service.</p>\n"
      "<form class=\"filters\" method=\"get\" action=\"",
      kRegisterPath,
      "\" role=\"search\" aria-label=\"Find partnerships\">\n"
      "<div><label for=\"q\">Name contains</label>"
      "<input type=\"search\" id=\"q\" name=\"q\" value=\"",
      HtmlEscape(q.q),
      "\" maxlength=\"200\"></div>\n"
      "<div><label for=\"status\">Status</label><select id=\"status\" name=\"status\">",
      StatusSelect(q.status),
      "</select></div>\n"
      "<div><label for=\"tier\">Tier</label><select id=\"tier\" name=\"tier\">",
      TierSelect(q.tier),
      "</select></div>\n"
      "<div><label for=\"lead\">Lead service</label>"
      "<input type=\"text\" id=\"lead\" name=\"lead\" value=\"",
      HtmlEscape(q.lead),
      "\" maxlength=\"200\"></div>\n"
      "<div><button type=\"submit\">Show partnerships</button></div>\n</form>\n");
  for (const std::string& problem : listing.problems) {
    absl::StrAppend(&main, "<p class=\"error\" role=\"alert\">", HtmlEscape(problem), "</p>\n");
  }
  if (!listing.error.empty()) {
    absl::StrAppend(&main, "<p class=\"error\" role=\"alert\">", HtmlEscape(listing.error),
                    "</p>\n");
    return RenderPage(PublicFrame("Partnerships", std::string(kRegisterPath)), main);
  }
  bool filtered = !q.q.empty() || !q.status.empty() || !q.tier.empty() || !q.lead.empty();
  std::string summary =
      listing.partnerships.empty()
          ? (filtered ? "No partnerships on this page match." : "The register is empty.")
          : absl::StrCat("Showing ", listing.partnerships.size(),
                         listing.partnerships.size() == 1 ? " partnership" : " partnerships",
                         filtered ? " that match." : ".");
  if (!listing.next_page_token.empty()) summary += " More follow on the next page.";
  absl::StrAppend(&main, "<p id=\"result-summary\" role=\"status\">", HtmlEscape(summary),
                  "</p>\n");
  if (!listing.partnerships.empty()) {
    absl::StrAppend(&main,
                    "<div class=\"table-wrap\"><table id=\"partnerships\" class=\"cards\">\n"
                    "<caption>Partnerships</caption>\n<thead><tr><th scope=\"col\">Name</th>"
                    "<th scope=\"col\">Status</th><th scope=\"col\">Tier</th>"
                    "<th scope=\"col\">Lead service</th><th scope=\"col\">Key partnership</th>"
                    "</tr></thead>\n<tbody>\n");
    for (const PublicPartnership& p : listing.partnerships) {
      absl::StrAppend(&main, "<tr><th scope=\"row\">",
                      Link(PartnershipPageUrl(p.name()), p.display_name()),
                      "</th><td data-label=\"Status\">", HtmlEscape(StateWords(p.state())),
                      "</td><td data-label=\"Tier\">", HtmlEscape(TierWords(p.tier())),
                      "</td><td data-label=\"Lead service\">", OrNotPublished(p.lead_service()),
                      "</td><td data-label=\"Key partnership\">",
                      p.key_partnership() ? "Yes" : "No", "</td></tr>\n");
    }
    main += "</tbody>\n</table></div>\n";
  }
  std::string pager;
  if (!q.page.empty()) {
    absl::StrAppend(&pager, Link(RegisterListUrl(q, ""), "First page"));
  }
  if (!listing.next_page_token.empty()) {
    absl::StrAppend(&pager, "<a rel=\"next\" href=\"",
                    HtmlEscape(RegisterListUrl(q, listing.next_page_token)), "\">",
                    q.q.empty() ? "Next page" : "Search further", "</a>");
  }
  if (!pager.empty()) {
    absl::StrAppend(&main, "<nav class=\"pager\" aria-label=\"Pages\">", pager, "</nav>\n");
  }
  absl::StrAppend(&main, "<h2>Open data</h2>\n<p>The whole public register to download: ",
                  Link(kOpenDataCsvPath, "CSV"), " or ", Link(kOpenDataJsonPath, "JSON"),
                  ".</p>\n");
  return RenderPage(PublicFrame("Partnerships", std::string(kRegisterPath)), main);
}

std::string RenderPartnershipPage(const PublicPartnership& p,
                                  const std::optional<ReviewOutcome>& latest_review,
                                  absl::string_view review_note) {
  std::string main = absl::StrCat("<p>", Link(kRegisterPath, "Back to all partnerships"),
                                  "</p>\n<h1>", HtmlEscape(p.display_name()), "</h1>\n");
  absl::StrAppend(&main, "<dl class=\"facts\" id=\"facts\">\n<dt>Status</dt><dd>",
                  HtmlEscape(StateWords(p.state())), "</dd>\n<dt>Tier</dt><dd>",
                  HtmlEscape(TierWords(p.tier())), "</dd>\n<dt>Key partnership</dt><dd>",
                  p.key_partnership() ? "Yes" : "No", "</dd>\n<dt>Lead service</dt><dd>",
                  OrNotPublished(p.lead_service()), "</dd>\n</dl>\n");
  absl::StrAppend(&main, "<h2>Remit</h2>\n",
                  p.remit().empty() ? "<p>Not published.</p>" : Paragraphs(p.remit()), "\n");
  if (!p.corporate_aims().empty()) {
    main += "<h2>Council aims it contributes to</h2>\n<ul>";
    for (const std::string& aim : p.corporate_aims()) {
      absl::StrAppend(&main, "<li>", HtmlEscape(aim), "</li>");
    }
    main += "</ul>\n";
  }
  main += "<h2>Partners</h2>\n";
  if (p.partners().empty()) {
    main += "<p>No partners published.</p>\n";
  } else {
    main +=
        "<div class=\"table-wrap\"><table id=\"partners\" class=\"cards\"><caption>Partner "
        "organisations"
        "</caption>\n<thead><tr><th scope=\"col\">Organisation</th><th scope=\"col\">Sector</th>"
        "<th scope=\"col\">Role</th><th scope=\"col\">Accountable body</th></tr></thead>\n"
        "<tbody>\n";
    for (const registry::v1::Partner& partner : p.partners()) {
      absl::StrAppend(&main, "<tr><th scope=\"row\">", HtmlEscape(partner.organisation()),
                      "</th><td data-label=\"Sector\">",
                      partner.sector() == registry::v1::SECTOR_UNSPECIFIED
                          ? ""
                          : HtmlEscape(EnumWords(registry::v1::Sector_Name(partner.sector()))),
                      "</td><td data-label=\"Role\">", HtmlEscape(partner.role()),
                      "</td><td data-label=\"Accountable body\">",
                      partner.accountable_body() ? "Yes" : "No", "</td></tr>\n");
    }
    main += "</tbody></table></div>\n";
  }
  absl::StrAppend(&main, "<h2>Monitoring arrangements</h2>\n",
                  p.monitoring_arrangements().empty() ? "<p>Not published.</p>"
                                                      : Paragraphs(p.monitoring_arrangements()),
                  "\n");
  main += "<h2>Latest review</h2>\n";
  if (latest_review.has_value()) {
    absl::StrAppend(&main, "<dl class=\"facts\" id=\"latest-review\"><dt>Review</dt><dd>",
                    HtmlEscape(EnumWords(latest_review->type)), "</dd><dt>Completed</dt><dd>",
                    HtmlEscape(latest_review->completed_date), "</dd><dt>Outcome</dt><dd>",
                    HtmlEscape(EnumWords(latest_review->recommendation)), "</dd></dl>\n");
  } else {
    absl::StrAppend(
        &main, "<p id=\"latest-review\">",
        HtmlEscape(review_note.empty() ? "No review has been completed yet." : review_note),
        "</p>\n");
  }
  if (p.has_council_contribution() && (p.council_contribution().money_pence() != 0 ||
                                       p.council_contribution().in_kind_pence() != 0)) {
    const registry::v1::Contribution& c = p.council_contribution();
    absl::StrAppend(&main, "<h2>Council contribution</h2>\n<dl class=\"facts\"><dt>Money</dt><dd>",
                    HtmlEscape(FormatPence(c.money_pence())), "</dd><dt>In kind</dt><dd>",
                    HtmlEscape(FormatPence(c.in_kind_pence())),
                    c.in_kind_description().empty()
                        ? ""
                        : absl::StrCat(" (", HtmlEscape(c.in_kind_description()), ")"),
                    "</dd></dl>\n");
  }
  main += "<h2>Documents</h2>\n";
  if (p.documents().empty()) {
    main += "<p>No documents published.</p>\n";
  } else {
    main +=
        "<div class=\"table-wrap\"><table id=\"documents\" class=\"cards\"><caption>Documents held "
        "as evidence"
        "</caption>\n<thead><tr><th scope=\"col\">Title</th><th scope=\"col\">Kind</th>"
        "<th scope=\"col\">Date</th><th scope=\"col\">Where it is kept</th></tr></thead>\n"
        "<tbody>\n";
    for (const registry::v1::Document& d : p.documents()) {
      absl::StrAppend(&main, "<tr><th scope=\"row\">", HtmlEscape(d.title()),
                      "</th><td data-label=\"Kind\">", HtmlEscape(EnumWords(d.kind())),
                      "</td><td data-label=\"Date\">", HtmlEscape(d.date()),
                      "</td><td data-label=\"Where it is kept\">", DocumentReference(d.reference()),
                      "</td></tr>\n");
    }
    main += "</tbody></table></div>\n";
  }
  if (!p.annual_summaries().empty()) {
    main += "<h2>Annual activity summaries</h2>\n";
    for (const registry::v1::AnnualSummary& s : p.annual_summaries()) {
      absl::StrAppend(&main, "<h3>", s.year(), "</h3>", Paragraphs(s.text()), "\n");
    }
  }
  return RenderPage(PublicFrame(p.display_name(), ""), main);
}

std::string RenderRegisterMessage(absl::string_view title, absl::string_view message) {
  return RenderPage(
      PublicFrame(std::string(title), ""),
      absl::StrCat("<h1>", HtmlEscape(title), "</h1>\n<p>", HtmlEscape(message), "</p>\n<p>",
                   Link(kRegisterPath, "See all partnerships"), "</p>\n"));
}

}  // namespace accord::gateway::web
