#include "common/api/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "common/api/stable_hash.h"

namespace accord::api {
namespace {

constexpr char kVersion = '\x01';


}  // namespace

uint64_t QueryFingerprint(absl::string_view filter, absl::string_view order_by) {
  return StableHash(order_by, StableHash(absl::string_view("\0", 1), StableHash(filter)));
}

std::string EncodePageToken(absl::string_view cursor, uint64_t fingerprint) {
  std::string raw(1, kVersion);
  for (int i = 0; i < 8; ++i) raw.push_back(static_cast<char>(fingerprint >> (8 * i)));
  raw.append(cursor.data(), cursor.size());
  // A checksum over the rest, so that a truncated or edited token is refused rather than
  // resuming from a wrong place.
  uint64_t check = StableHash(raw);
  for (int i = 0; i < 4; ++i) raw.push_back(static_cast<char>(check >> (8 * i)));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 13 || raw[0] != kVersion) {
    return InvalidField("page_token", "is not a token returned by this list method");
  }
  absl::string_view body(raw.data(), raw.size() - 4);
  uint64_t check = StableHash(body);
  for (int i = 0; i < 4; ++i) {
    if (static_cast<unsigned char>(raw[raw.size() - 4 + i]) != ((check >> (8 * i)) & 0xff)) {
      return InvalidField("page_token", "is not a token returned by this list method");
    }
  }
  uint64_t got = 0;
  for (int i = 0; i < 8; ++i) got |= uint64_t{static_cast<unsigned char>(raw[1 + i])} << (8 * i);
  if (got != fingerprint) {
    return InvalidField("page_token",
                        "was made for a different filter or order_by; start again without it");
  }
  return std::string(body.substr(9));
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) {
    return InvalidField("page_size", absl::StrCat("must not be negative; got ", requested));
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

}  // namespace accord::api
