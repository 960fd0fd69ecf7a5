// Signing webhook deliveries: HMAC-SHA256 over "<unix seconds>.<body>" with the
// subscription's secret, sent as `Accord-Signature: t=<unix seconds>,v1=<hex>`. A receiver
// recomputes it, compares in constant time and refuses old timestamps (replays).
#ifndef ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_SIGNING_H_
#define ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_SIGNING_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace accord::integrations {

inline constexpr char kSignatureHeader[] = "Accord-Signature";

// 32 random bytes from OpenSSL's generator, as 64 hex digits.
std::string NewWebhookSecret();

// Lower-case hex of HMAC-SHA256(secret, message).
std::string HmacSha256Hex(absl::string_view secret, absl::string_view message);

// The Accord-Signature header value for `body` sent at `unix_seconds`.
std::string SignatureHeader(absl::string_view secret, int64_t unix_seconds,
                            absl::string_view body);

// True when `header` is a valid signature of `body` with `secret`, made within
// `tolerance_seconds` of `now_unix_seconds`. Compares in constant time.
bool VerifySignature(absl::string_view secret, absl::string_view header, absl::string_view body,
                     int64_t now_unix_seconds, int64_t tolerance_seconds = 300);

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_WEBHOOK_SIGNING_H_
