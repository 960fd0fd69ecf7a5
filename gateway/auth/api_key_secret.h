// The text form of an API key and how its secret is checked. Pure; thread-safe.
//
// A key reads "accord_<key_id>_<secret>": the id (16 hex characters) names the stored
// record, and the secret (43 base64url characters, 256 random bits) is never stored — only
// its SHA-256, compared in constant time.
#ifndef ACCORD_GATEWAY_AUTH_API_KEY_SECRET_H_
#define ACCORD_GATEWAY_AUTH_API_KEY_SECRET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accord::gateway {

struct ParsedApiKey {
  std::string key_id;
  std::string secret;
};

// A new random key id (16 lower-case hex characters).
std::string NewKeyId();

// A new random secret: 32 bytes from OpenSSL's CSPRNG, base64url without padding.
std::string NewKeySecret();

// "accord_<key_id>_<secret>".
std::string FormatApiKey(absl::string_view key_id, absl::string_view secret);

// The parts of `text`; UNAUTHENTICATED (saying nothing about which part) when it does not
// have the shape FormatApiKey gives.
absl::StatusOr<ParsedApiKey> ParseApiKey(absl::string_view text);

// SHA-256 of `secret`, 32 raw bytes.
std::string HashSecret(absl::string_view secret);

// Whether SHA-256(`secret`) equals `stored_hash`, in time independent of where they differ.
bool SecretMatches(absl::string_view secret, absl::string_view stored_hash);

// The token of an "Authorization: Bearer <token>" value; empty when the scheme is not
// Bearer (case-insensitive) or the token is missing.
std::string BearerToken(absl::string_view authorization);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_API_KEY_SECRET_H_
