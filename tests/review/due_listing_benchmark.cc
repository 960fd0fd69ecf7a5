// Time to list overdue reviews with 100k partnerships: 100,000 approved partnerships are
// loaded into a temporary store through the same code path the feeds use (Reviews::Import:
// schedule refresh, due-date index, anomaly index), then one ListDueItems page is timed.
#include <chrono>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "common/storage/store.h"
#include "gtest/gtest.h"
#include "services/review/reviews.h"
#include "tests/common/temp_dir.h"
#include "tests/review/test_protocols.h"

namespace accord::review {
namespace {

TEST(DueListingBenchmark, OnePageOfOverdueReviewsAmongOneHundredThousandPartnerships) {
  constexpr int kPartnerships = 100000;
  constexpr int kBatch = 2000;
  accord::testing::TempDir dir;
  auto store = storage::Store::Open({.path = dir.path(), .service = "review",
                                     .schema_version = 1,
                                     .column_families = Reviews::ColumnFamilies()});
  ASSERT_TRUE(store.ok()) << store.status();
  Reviews reviews(store->get(), nullptr, [] { return absl::CivilDay(2027, 6, 1); });
  events::v1::Event loaded;
  loaded.set_sequence(1);
  loaded.set_action("protocol_loaded");
  auto protocol = testing::CouncilProtocol("chorley");
  loaded.set_resource_name(protocol.name());
  loaded.mutable_resource()->PackFrom(protocol);
  ASSERT_TRUE(reviews.FollowAssessment(loaded).ok());

  const accord::assessment::v1::Tier tiers[] = {accord::assessment::v1::LIMITED,
                                                accord::assessment::v1::MODERATE,
                                                accord::assessment::v1::MAJOR};
  auto load_start = std::chrono::steady_clock::now();
  std::vector<v1::TrackedPartnership> batch;
  for (int i = 0; i < kPartnerships; ++i) {
    v1::TrackedPartnership r;
    r.set_name(absl::StrFormat("partnerships/p%06d", i));
    r.set_display_name(absl::StrFormat("Partnership %d", i));
    r.set_state(5);  // ACTIVE
    r.set_screened(true);
    r.set_assessed(true);
    r.set_tier(tiers[i % 3]);
    r.set_key_partnership(i % 10 == 0);
    r.set_protocol(protocol.name());
    r.set_protocol_version(protocol.version());
    // Approvals spread over three years, so due dates spread over the calendar.
    r.set_approval_date(
        absl::StrFormat("%04d-%02d-%02d", 2024 + i % 3, 1 + i % 12, 1 + i % 28));
    batch.push_back(std::move(r));
    if (batch.size() == kBatch) {
      ASSERT_TRUE(reviews.Import(batch, absl::CivilDay(2024, 1, 1)).ok());
      batch.clear();
    }
  }
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start)
                      .count();

  v1::ListDueItemsRequest request;
  request.set_as_of_date("2026-06-01");
  request.set_overdue_only(true);
  request.set_page_size(50);
  // Warm once (the first read opens table files), then time the median of several pages.
  ASSERT_TRUE(reviews.ListDueItems(request).ok());
  std::vector<double> micros;
  absl::StatusOr<v1::ListDueItemsResponse> page;
  for (int run = 0; run < 21; ++run) {
    auto start = std::chrono::steady_clock::now();
    page = reviews.ListDueItems(request);
    micros.push_back(std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - start)
                         .count());
    ASSERT_TRUE(page.ok());
  }
  std::sort(micros.begin(), micros.end());
  ASSERT_EQ(page->items_size(), 50);
  EXPECT_FALSE(page->next_page_token().empty());
  // Walk every overdue page once, to time the whole listing too.
  auto all_start = std::chrono::steady_clock::now();
  int overdue = 0;
  request.set_page_size(1000);
  do {
    auto next = reviews.ListDueItems(request);
    ASSERT_TRUE(next.ok());
    overdue += next->items_size();
    request.set_page_token(next->next_page_token());
  } while (!request.page_token().empty());
  double all_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            all_start)
                      .count();
  std::printf(
      "100k partnerships loaded in %.1f s; ListDueItems (overdue as of 2026-06-01, 50 a page): "
      "median %.0f us, max %.0f us; all %d overdue items in %.0f ms\n",
      load_s, micros[micros.size() / 2], micros.back(), overdue, all_ms);
}

}  // namespace
}  // namespace accord::review
