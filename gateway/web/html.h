// Building blocks of the gateway's server-rendered pages: escaping, URLs, forms and the page
// frame. Pure and thread-safe.
//
// Every value that comes from a record, a query string or a form goes through HtmlEscape
// (or an Attr/Text helper that calls it) before it reaches a page; URLs are built with
// QueryString so that a value can never end one parameter and start another.
#ifndef ACCORD_GATEWAY_WEB_HTML_H_
#define ACCORD_GATEWAY_WEB_HTML_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace accord::gateway::web {

// `text` with &, <, >, " and ' replaced by character references, so that it is safe both
// as element content and inside a double- or single-quoted attribute.
std::string HtmlEscape(absl::string_view text);

// `text` percent-encoded for a URL query component or path segment: everything but
// A-Z a-z 0-9 - . _ ~ is encoded (a space as %20).
std::string UrlEncode(absl::string_view text);

// "a=1&b=x%20y" from name/value pairs, skipping pairs whose value is empty. Empty when
// every value is.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

// Decoded name/value pairs of an application/x-www-form-urlencoded string (a URL query
// without its '?', or a form body): '+' is a space, %XX a byte; a malformed escape is
// kept as written. A name given twice keeps its first value.
std::map<std::string, std::string> ParseFormEncoded(absl::string_view text);

// Money in pence as pounds: 123456 -> "£1,234.56"; whole pounds drop the pence.
std::string FormatPence(int64_t pence);

// An enum name as words: "UNDER_REVIEW" -> "Under review".
std::string EnumWords(absl::string_view name);

// A link, "<a href=...>text</a>", both escaped.
std::string Link(absl::string_view href, absl::string_view text);

// One option of a <select>, selected when `value` equals `current`.
std::string Option(absl::string_view value, absl::string_view label, absl::string_view current);

// The frame every page shares.
struct PageFrame {
  std::string title;      // <title> and, unless `heading` is set, the <h1>
  std::string site_name;  // shown in the header, linking to `home`
  std::string home = "/register";
  // Navigation links (href, text); the one equal to `current` is marked aria-current.
  std::vector<std::pair<std::string, std::string>> nav;
  std::string current;
  // Raw HTML placed in the header after the navigation (for example a sign-out form).
  std::string header_extra_html;
};

// A complete HTML document: doctype, language, viewport, the stylesheet, a skip link, the
// header with `frame`'s navigation, <main id="main"> holding `main_html` (already HTML),
// and a footer.
std::string RenderPage(const PageFrame& frame, absl::string_view main_html);

// The stylesheet every page links (served at kStylesheetPath).
inline constexpr absl::string_view kStylesheetPath = "/register/style.css";
absl::string_view Stylesheet();

}  // namespace accord::gateway::web

#endif  // ACCORD_GATEWAY_WEB_HTML_H_
