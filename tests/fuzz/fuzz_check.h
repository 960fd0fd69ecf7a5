// Helpers shared by the fuzz targets. A target checks properties of the code under test
// (round trips, invariants) with FUZZ_CHECK: a broken property aborts, which libFuzzer
// records as a crash and the replay runner reports as a failure.
#ifndef ACCORD_TESTS_FUZZ_FUZZ_CHECK_H_
#define ACCORD_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                              \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)

#endif  // ACCORD_TESTS_FUZZ_FUZZ_CHECK_H_
