// Opaque page tokens (AIP-158).
//
// A token carries the position to resume from and a fingerprint of the query (filter,
// order) that produced it. Decoding refuses a token that is malformed or that was made for
// a different query, so a client cannot change the filter halfway through a listing.
#ifndef ACCORD_COMMON_API_PAGE_TOKEN_H_
#define ACCORD_COMMON_API_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace accord::api {

// A stable fingerprint of the parts of a list request that must not change between pages.
uint64_t QueryFingerprint(absl::string_view filter, absl::string_view order_by);

// Encodes `cursor` (an opaque position, for example an index key) for `fingerprint`.
std::string EncodePageToken(absl::string_view cursor, uint64_t fingerprint);

// The cursor inside `token`. INVALID_ARGUMENT naming "page_token" when the token is not one
// of ours or was made for another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint);

// Page size as AIP-158 says: 0 means `default_size`, above `max_size` is clamped, negative
// is INVALID_ARGUMENT naming "page_size".
absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size);

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_PAGE_TOKEN_H_
