#include "gateway/auth/rate_limiter.h"

#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

TEST(RateLimiter, BurstThenRefillsAtTheRate) {
  RateLimiter limiter(/*per_second=*/2, /*burst=*/3);
  absl::Time t = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", t), absl::ZeroDuration()) << i;
  absl::Duration wait = limiter.Take("a", t);
  EXPECT_EQ(wait, absl::Milliseconds(500));
  EXPECT_EQ(limiter.Take("a", t + absl::Milliseconds(500)), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("a", t + absl::Milliseconds(500)), absl::ZeroDuration());
  // A long pause refills only up to the burst.
  absl::Time later = t + absl::Hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", later), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("a", later), absl::ZeroDuration());
}

TEST(RateLimiter, EachClientHasItsOwnBucket) {
  RateLimiter limiter(1, 1);
  absl::Time t = absl::FromUnixSeconds(1000);
  EXPECT_EQ(limiter.Take("finance", t), absl::ZeroDuration());
  EXPECT_GT(limiter.Take("finance", t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("hr", t), absl::ZeroDuration());
}

TEST(RateLimiter, ZeroRateMeansNoLimit) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(limiter.Take("a", absl::FromUnixSeconds(1)), absl::ZeroDuration());
  }
}

}  // namespace
}  // namespace accord::gateway
