// The public register's pages (Harborough: the register published for residents), rendered
// from the register's public view. Pure functions of their data; thread-safe.
//
// They take accord.registry.v1.PublicPartnership, the message the register's public methods
// return, so no field a partnership marks confidential can reach them: the register leaves
// it out before the gateway sees the record.
#ifndef ACCORD_GATEWAY_WEB_REGISTER_PAGES_H_
#define ACCORD_GATEWAY_WEB_REGISTER_PAGES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::gateway::web {

// Path of the list page; a partnership's page is kRegisterPath + "/partnerships/{id}".
inline constexpr absl::string_view kRegisterPath = "/register";
// Open data downloads: the public register export as CSV and JSON.
inline constexpr absl::string_view kOpenDataCsvPath = "/register/open-data.csv";
inline constexpr absl::string_view kOpenDataJsonPath = "/register/open-data.json";

// Rows per page of the list.
inline constexpr int kRegisterPageSize = 25;

// What a resident asked the list for; every field comes from the page's URL.
struct RegisterQuery {
  std::string q;       // words in the name, any case
  std::string status;  // a registry State name, or empty for any
  std::string tier;    // a registry Tier name, or empty for any
  std::string lead;    // lead service, exactly as published, or empty for any
  std::string page;    // the register's page token, or empty for the first page
};

// The query in `params` (the URL's decoded query). A status or tier that is not a known
// name is dropped and described in `problems`, so the page still answers.
RegisterQuery ParseRegisterQuery(const std::map<std::string, std::string>& params,
                                 std::vector<std::string>* problems);

// The ListPublicPartnerships filter (AIP-160 subset) for the status, tier and lead service;
// the name search is applied by NameMatches on each page instead, because the register's
// filter has no case-insensitive contains.
std::string RegisterFilter(const RegisterQuery& query);

// Whether `display_name` contains `q`, ignoring ASCII case and surrounding spaces. An empty
// `q` matches everything.
bool NameMatches(absl::string_view display_name, absl::string_view q);

// The list page's URL for `query` with page token `page` ("/register?status=ACTIVE&page=..").
std::string RegisterListUrl(const RegisterQuery& query, absl::string_view page);

// A partnership's page URL from its resource name ("partnerships/x" -> "/register/partnerships/x").
std::string PartnershipPageUrl(absl::string_view resource_name);

// One page of the list as the handler gathered it.
struct RegisterListing {
  RegisterQuery query;
  std::vector<registry::v1::PublicPartnership> partnerships;
  std::string next_page_token;        // empty on the last page
  int examined = 0;                   // partnerships looked at for a name search
  std::vector<std::string> problems;  // about the query, shown above the results
  std::string error;                  // the register could not be read
};

std::string RenderRegisterList(const RegisterListing& listing);

// The public part of a partnership's latest review: its type, when it was completed and
// what it recommended. Nothing else of the review (reasons, measures, who decided) is shown.
struct ReviewOutcome {
  std::string type;            // accord.assessment.v1.ReviewType name
  std::string completed_date;  // YYYY-MM-DD
  std::string recommendation;  // accord.review.v1.Recommendation name
};

// `review_note` is shown instead of the outcome when the outcome is absent and something is
// worth saying (for example that reviews could not be read).
std::string RenderPartnershipPage(const registry::v1::PublicPartnership& partnership,
                                  const std::optional<ReviewOutcome>& latest_review,
                                  absl::string_view review_note);

// A page saying what went wrong, for the public site.
std::string RenderRegisterMessage(absl::string_view title, absl::string_view message);

// Human words for register values.
std::string StateWords(int state);
std::string TierWords(int tier);

}  // namespace accord::gateway::web

#endif  // ACCORD_GATEWAY_WEB_REGISTER_PAGES_H_
