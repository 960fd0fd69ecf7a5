#include "services/integrations/webhook_signing.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace accord::integrations {

std::string NewWebhookSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no entropy: never sign weakly
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string HmacSha256Hex(absl::string_view secret, absl::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string SignatureHeader(absl::string_view secret, int64_t unix_seconds,
                            absl::string_view body) {
  return absl::StrCat("t=", unix_seconds, ",v1=",
                      HmacSha256Hex(secret, absl::StrCat(unix_seconds, ".", body)));
}

bool VerifySignature(absl::string_view secret, absl::string_view header, absl::string_view body,
                     int64_t now_unix_seconds, int64_t tolerance_seconds) {
  int64_t t = -1;
  std::string v1;
  for (absl::string_view part : absl::StrSplit(header, ',')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, '=');
    if (kv.first == "t" && !absl::SimpleAtoi(kv.second, &t)) return false;
    if (kv.first == "v1") v1 = std::string(kv.second);
  }
  if (t < 0 || v1.empty() || std::llabs(now_unix_seconds - t) > tolerance_seconds) return false;
  std::string expected = HmacSha256Hex(secret, absl::StrCat(t, ".", body));
  return expected.size() == v1.size() &&
         CRYPTO_memcmp(expected.data(), v1.data(), expected.size()) == 0;
}

}  // namespace accord::integrations
