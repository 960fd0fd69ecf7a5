// A 64-bit FNV-1a hash: the same value in every build and process (unlike std::hash or
// absl::Hash), so it may be stored or sent to clients.
#ifndef ACCORD_COMMON_API_STABLE_HASH_H_
#define ACCORD_COMMON_API_STABLE_HASH_H_

#include <cstdint>
#include "absl/strings/string_view.h"

namespace accord::api {

inline uint64_t StableHash(absl::string_view data, uint64_t seed = 1469598103934665603ULL) {
  uint64_t hash = seed;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_STABLE_HASH_H_
