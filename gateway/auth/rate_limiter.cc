#include "gateway/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"

namespace accord::gateway {

absl::Duration RateLimiter::Take(absl::string_view client, absl::Time now) {
  if (per_second_ <= 0) return absl::ZeroDuration();
  Shard& shard = shards_[absl::Hash<absl::string_view>()(client) % shards_.size()];
  absl::MutexLock lock(&shard.mu);
  auto [it, inserted] = shard.buckets.try_emplace(std::string(client));
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = burst_;
  } else if (now > bucket.updated) {
    bucket.tokens = std::min(
        burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * per_second_);
  }
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - bucket.tokens) / per_second_);
}

}  // namespace accord::gateway
