// Webhook target URLs: what a subscription may register, parsed once at creation.
#ifndef ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_URL_H_
#define ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accord::integrations {

struct WebhookUrl {
  bool https = false;
  std::string host;    // a name or IPv4 address; IPv6 literals are refused
  std::string port;    // "80"/"443" when the URL names none
  std::string target;  // path and query, at least "/"
};

// Accepts http:// or https:// URLs with a host, an optional port 1-65535, a path and query;
// refuses credentials (user:password@), fragments, spaces and control characters, and URLs
// over 2000 characters. INVALID_ARGUMENT naming `field` and the rule.
absl::StatusOr<WebhookUrl> ParseWebhookUrl(absl::string_view url, absl::string_view field);

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_URL_H_
