#include "services/integrations/webhook_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"

namespace accord::integrations {

absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url, absl::string_view field) {
  auto bad = [&](absl::string_view rule) { return api::InvalidField(field, rule); };
  if (url.empty()) return bad("is required");
  if (url.size() > 2000) return bad("must be at most 2000 characters");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) return bad("must not contain spaces or control characters");
  }
  WebhookUrl out;
  absl::string_view rest = url;
  std::string lower = absl::AsciiStrToLower(url.substr(0, 8));
  if (absl::StartsWith(lower, "https://")) {
    out.https = true;
    rest.remove_prefix(8);
  } else if (absl::StartsWith(lower, "http://")) {
    rest.remove_prefix(7);
  } else {
    return bad("must start with http:// or https://");
  }
  if (absl::StrContains(url, "#")) return bad("must not have a fragment (#...)");
  size_t path_start = rest.find_first_of("/?");
  absl::string_view authority = rest.substr(0, path_start);
  out.target = path_start == absl::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (absl::StartsWith(out.target, "?")) out.target = absl::StrCat("/", out.target);
  if (absl::StrContains(authority, "@")) {
    return bad("must not hold credentials (user:password@); the signature authenticates");
  }
  if (absl::StartsWith(authority, "[")) return bad("IPv6 literal hosts are not supported");
  size_t colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  out.port = out.https ? "443" : "80";
  if (colon != absl::string_view::npos) {
    int port = 0;
    if (!absl::SimpleAtoi(authority.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return bad("port must be 1 to 65535");
    }
    out.port = absl::StrCat(port);
  }
  if (out.host.empty()) return bad("must name a host");
  for (char c : out.host) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_') {
      return bad(absl::StrCat("host '", out.host, "' is not a host name"));
    }
  }
  return out;
}

}  // namespace accord::integrations
