#include "gateway/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace accord::gateway {

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                         // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);     // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF,
                         hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string RequestIdOrNew(absl::string_view given) {
  if (given.empty() || given.size() > 128) return NewRequestId();
  for (char c : given) {
    if (c < 0x21 || c > 0x7E) return NewRequestId();
  }
  return std::string(given);
}

}  // namespace accord::gateway
