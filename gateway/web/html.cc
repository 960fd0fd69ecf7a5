#include "gateway/web/html.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace accord::gateway::web {

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string UrlEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    absl::StrAppend(&out, out.empty() ? "" : "&", UrlEncode(name), "=", UrlEncode(value));
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> ParseFormEncoded(absl::string_view text) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    size_t equals = pair.find('=');
    std::string name = FormDecode(pair.substr(0, equals));
    std::string value =
        equals == absl::string_view::npos ? "" : FormDecode(pair.substr(equals + 1));
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

std::string FormatPence(int64_t pence) {
  bool negative = pence < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(pence) : static_cast<uint64_t>(pence);
  std::string pounds = std::to_string(magnitude / 100);
  std::string grouped;
  for (size_t i = 0; i < pounds.size(); ++i) {
    if (i > 0 && (pounds.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(pounds[i]);
  }
  uint64_t rest = magnitude % 100;
  std::string out = absl::StrCat(negative ? "-" : "", "\u00a3", grouped);
  if (rest != 0) absl::StrAppend(&out, ".", rest < 10 ? "0" : "", rest);
  return out;
}

std::string EnumWords(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(name);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  if (!out.empty()) out[0] = absl::ascii_toupper(static_cast<unsigned char>(out[0]));
  return out;
}

std::string Link(absl::string_view href, absl::string_view text) {
  return absl::StrCat("<a href=\"", HtmlEscape(href), "\">", HtmlEscape(text), "</a>");
}

std::string Option(absl::string_view value, absl::string_view label, absl::string_view current) {
  return absl::StrCat("<option value=\"", HtmlEscape(value), "\"",
                      value == current ? " selected" : "", ">", HtmlEscape(label), "</option>");
}

std::string RenderPage(const PageFrame& frame, absl::string_view main_html) {
  std::string nav;
  if (!frame.nav.empty()) {
    nav = "<nav aria-label=\"Site\"><ul>";
    for (const auto& [href, text] : frame.nav) {
      absl::StrAppend(&nav, "<li><a href=\"", HtmlEscape(href), "\"",
                      href == frame.current ? " aria-current=\"page\"" : "", ">", HtmlEscape(text),
                      "</a></li>");
    }
    nav += "</ul></nav>";
  }
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>",
      HtmlEscape(frame.title), " - ", HtmlEscape(frame.site_name),
      "</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"",
      kStylesheetPath,
      "\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to main content</a>\n"
      "<header>\n<p class=\"site\"><a href=\"",
      HtmlEscape(frame.home), "\">", HtmlEscape(frame.site_name), "</a></p>\n", nav,
      frame.header_extra_html, "\n</header>\n<main id=\"main\" tabindex=\"-1\">\n", main_html,
      "\n</main>\n<footer><p>Published under the council's partnership policy. "
      "Data on these pages is also available as <a href=\"/register/open-data.csv\">CSV</a> "
      "and <a href=\"/register/open-data.json\">JSON</a>.</p></footer>\n</body>\n</html>\n");
}

absl::string_view Stylesheet() {
  // Colours meet WCAG 2.2 AA against their backgrounds (text 4.5:1 or more; focus ring and
  // control borders 3:1 or more). Band colours are never the only sign: cells say the band.
  static constexpr absl::string_view kCss = R"css(
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.5;
color:#1b1b1b;background:#fff}
body{margin:0}
a{color:#1a4fa0}
a:visited{color:#5b2a86}
a:hover{color:#0b2f66}
:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;box-shadow:0 0 0 6px #ffd21f}
.skip{position:absolute;left:-9999px;top:0;background:#ffd21f;color:#1b1b1b;padding:.5rem}
.skip:focus{left:0}
header{background:#14365f;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;
gap:.5rem 1.5rem;align-items:center}
header a,header a:visited{color:#fff}
header .site{margin:0;font-weight:700;font-size:1.15rem}
header ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header [aria-current=page]{font-weight:700;text-decoration-thickness:3px}
header form{margin:0 0 0 auto}
main{max-width:72rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
h1{font-size:1.75rem;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:1.75rem 0 .5rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;
align-items:end;background:#f3f5f8;border:1px solid #6b7785;padding:1rem;margin-bottom:1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
input,select,button{font:inherit;min-height:2.75rem}
input[type=text],input[type=search],input[type=password],input[type=number],select{width:100%;
padding:.4rem;border:2px solid #555f6b;border-radius:0;background:#fff;color:#1b1b1b}
input[type=checkbox]{width:1.5rem;height:1.5rem;min-height:0;vertical-align:middle}
.check label{display:inline;font-weight:600;margin-left:.4rem}
button,.button{display:inline-block;background:#1a6a35;color:#fff;border:2px solid #1a6a35;
padding:.4rem 1rem;font-weight:700;cursor:pointer;text-decoration:none}
a.button,a.button:visited,a.button:hover{color:#fff}
button.secondary{background:#fff;color:#14365f;border-color:#fff}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border:1px solid #8a95a1;padding:.4rem .6rem;text-align:left;vertical-align:top}
thead th{background:#e8ecf1}
td.num,th.num{text-align:right}
dl.facts{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.4rem 1rem}
dl.facts dt{font-weight:700}
dl.facts dd{margin:0}
.notice{border-left:6px solid #14365f;background:#f3f5f8;padding:.75rem 1rem}
.error{border-left:6px solid #b3261e;background:#fdf0ef;padding:.75rem 1rem}
.pager{display:flex;gap:1.5rem;margin:1rem 0}
.band-low{background:#dff3e2}.band-medium{background:#fff3c4}
.band-high{background:#ffdcc2}.band-very-high{background:#f9c9c6}
.overdue{font-weight:700;color:#a3201a}
.muted{color:#4a545f}
footer{border-top:1px solid #8a95a1;margin-top:2rem;padding:1rem;font-size:.95rem;
max-width:72rem;margin-left:auto;margin-right:auto}
@media (max-width:40rem){dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}
h1{font-size:1.45rem}
table.cards thead{position:absolute;left:-9999px}
table.cards,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
table.cards tr{border:1px solid #8a95a1;margin-bottom:.75rem}
table.cards th,table.cards td{border:0;padding:.3rem .6rem;overflow-wrap:anywhere}
table.cards td::before{content:attr(data-label) ": ";font-weight:700}}
)css";
  return kCss;
}

}  // namespace accord::gateway::web
