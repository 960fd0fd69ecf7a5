// Group commit (store.h): writers that arrive together share one synced batch, yet each
// change still sees every change before it, as if they had been committed one by one.
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/storage/store.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::storage {
namespace {

StoreOptions Options(const std::string& path) {
  return {.path = path, .service = "test", .column_families = {"records"}};
}

registry::v1::Partnership Named(const std::string& name) {
  registry::v1::Partnership p;
  p.set_name(name);
  return p;
}

// Adds one to a counter through the change (reading what earlier changes left).
absl::Status Increment(Store& store, absl::string_view via) {
  return store.Write([&](Change& change) -> absl::Status {
    std::string value;
    absl::Status found = via == "change" ? change.Get("records", "counter", &value)
                                         : store.Get("records", "counter", &value);
    int64_t count = 0;
    if (found.ok() && !absl::SimpleAtoi(value, &count)) return absl::DataLossError("counter");
    if (!found.ok() && !absl::IsNotFound(found)) return found;
    change.Put("records", "counter", absl::StrCat(count + 1));
    change.Emit(events::v1::UPDATED, "counter", Named("counter"));
    return absl::OkStatus();
  });
}

void IncrementFromManyThreads(absl::string_view via) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kThreads = 16;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  absl::Notification go;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      go.WaitForNotification();
      for (int i = 0; i < kEach; ++i) EXPECT_TRUE(Increment(**store, via).ok());
    });
  }
  go.Notify();
  for (auto& thread : threads) thread.join();
  std::string value;
  ASSERT_TRUE((*store)->Get("records", "counter", &value).ok());
  EXPECT_EQ(value, absl::StrCat(kThreads * kEach));
  auto events = (*store)->ReadEvents(0, kThreads * kEach + 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(static_cast<int>(events->size()), kThreads * kEach);
  for (int i = 0; i < kThreads * kEach; ++i) EXPECT_EQ((*events)[i].sequence(), i + 1);
  EXPECT_EQ((*store)->latest_sequence(), kThreads * kEach);
}

TEST(StoreGroupCommit, ConcurrentChangesEachSeeTheOnesBeforeThroughTheChange) {
  IncrementFromManyThreads("change");
}

TEST(StoreGroupCommit, ConcurrentChangesEachSeeTheOnesBeforeThroughStoreReadsInTheBuild) {
  IncrementFromManyThreads("store");
}

TEST(StoreGroupCommit, AFailedChangeInAGroupLeavesTheOthersWritten) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      absl::Status s = (*store)->Write([&](Change& change) -> absl::Status {
        change.Put("records", absl::StrCat("k", t), "v");
        if (t % 2 == 1) return absl::InvalidArgumentError("odd");
        return absl::OkStatus();
      });
      if (!s.ok()) ++failed;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 4);
  for (int t = 0; t < 8; ++t) {
    std::string value;
    EXPECT_EQ((*store)->Get("records", absl::StrCat("k", t), &value).ok(), t % 2 == 0) << t;
  }
}

TEST(StoreGroupCommit, TheSameRequestIdTwiceAtOnceRunsOnceAndAnswersBoth) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  std::vector<std::string> answers(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto answer = (*store)->WriteOnce("Create", "req-1", 42,
                                        [&](Change& change) -> absl::StatusOr<std::string> {
                                          ++runs;
                                          change.Put("records", "x", "1");
                                          return std::string("created");
                                        });
      ASSERT_TRUE(answer.ok()) << answer.status();
      answers[t] = *answer;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(runs.load(), 1);
  for (const std::string& answer : answers) EXPECT_EQ(answer, "created");
}

}  // namespace
}  // namespace accord::storage
