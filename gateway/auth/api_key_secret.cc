#include "gateway/auth/api_key_secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"

namespace accord::gateway {
namespace {

constexpr absl::string_view kPrefix = "accord_";
constexpr size_t kKeyIdLength = 16;
constexpr size_t kSecretLength = 43;

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // A key from a failed CSPRNG would be guessable; stopping is the only safe answer.
    std::abort();
  }
  return out;
}

absl::Status Malformed() {
  return api::Error(absl::StatusCode::kUnauthenticated, "INVALID_API_KEY",
                    "the API key is missing, malformed, unknown or revoked");
}

}  // namespace

std::string NewKeyId() { return absl::BytesToHexString(RandomBytes(kKeyIdLength / 2)); }

std::string NewKeySecret() { return absl::WebSafeBase64Escape(RandomBytes(32)); }

std::string FormatApiKey(absl::string_view key_id, absl::string_view secret) {
  return absl::StrCat(kPrefix, key_id, "_", secret);
}

absl::StatusOr<ParsedApiKey> ParseApiKey(absl::string_view text) {
  if (!absl::ConsumePrefix(&text, kPrefix)) return Malformed();
  if (text.size() != kKeyIdLength + 1 + kSecretLength || text[kKeyIdLength] != '_') {
    return Malformed();
  }
  ParsedApiKey parsed{std::string(text.substr(0, kKeyIdLength)),
                      std::string(text.substr(kKeyIdLength + 1))};
  for (char c : parsed.key_id) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return Malformed();
  }
  for (char c : parsed.secret) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return Malformed();
  }
  return parsed;
}

std::string HashSecret(absl::string_view secret) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool SecretMatches(absl::string_view secret, absl::string_view stored_hash) {
  std::string digest = HashSecret(secret);
  if (stored_hash.size() != digest.size()) return false;
  return CRYPTO_memcmp(digest.data(), stored_hash.data(), digest.size()) == 0;
}

std::string BearerToken(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return "";
  }
  return std::string(absl::StripAsciiWhitespace(authorization.substr(kScheme.size())));
}

}  // namespace accord::gateway
