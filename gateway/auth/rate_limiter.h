// Per-client rate limits: a token bucket per API key id.
//
// Thread-safe. Buckets are spread over shards, each with its own mutex held only for a few
// arithmetic operations, so clients rarely wait on each other.
#ifndef ACCORD_GATEWAY_AUTH_RATE_LIMITER_H_
#define ACCORD_GATEWAY_AUTH_RATE_LIMITER_H_

#include <array>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace accord::gateway {

class RateLimiter {
 public:
  // `per_second` tokens refill each second up to `burst`; per_second <= 0 turns limits off.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // Zero when `client` may make one more call at `now` (taking a token), else how long to
  // wait until a token is free.
  absl::Duration Take(absl::string_view client, absl::Time now);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  struct Shard {
    absl::Mutex mu;
    std::map<std::string, Bucket, std::less<>> buckets ABSL_GUARDED_BY(mu);
  };
  const double per_second_;
  const double burst_;
  std::array<Shard, 16> shards_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_RATE_LIMITER_H_
