// Fuzzes page token decoding (common/api/page_token.h).
// Input: a token as a client would send it. It is decoded for a fixed query and for the
// fingerprint the token itself carries (so that inputs with a good checksum reach the end).
// Properties: only INVALID_ARGUMENT is returned; an accepted cursor encodes to a token that
// decodes to it again, for that query only. The input's bytes are also used as a cursor:
// Decode(Encode(cursor)) == cursor.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "common/api/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void CheckDecode(absl::string_view token, uint64_t fingerprint) {
  auto cursor = accord::api::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) {
    FUZZ_CHECK(cursor.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  std::string again = accord::api::EncodePageToken(*cursor, fingerprint);
  auto decoded = accord::api::DecodePageToken(again, fingerprint);
  FUZZ_CHECK(decoded.ok() && *decoded == *cursor);
  FUZZ_CHECK(!accord::api::DecodePageToken(again, fingerprint ^ 1).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  static const uint64_t kQuery =
      accord::api::QueryFingerprint("state = ACTIVE", "display_name");

  CheckDecode(input, kQuery);
  CheckDecode(input, accord::api::QueryFingerprint("", ""));
  std::string raw;
  if (absl::WebSafeBase64Unescape(input, &raw) && raw.size() >= 9) {
    uint64_t carried = 0;
    for (int i = 0; i < 8; ++i) {
      carried |= uint64_t{static_cast<unsigned char>(raw[1 + i])} << (8 * i);
    }
    CheckDecode(input, carried);
  }

  // The input as a cursor (index keys hold any bytes).
  std::string token = accord::api::EncodePageToken(input, kQuery);
  auto cursor = accord::api::DecodePageToken(token, kQuery);
  FUZZ_CHECK(cursor.ok() && *cursor == input);
  return 0;
}
