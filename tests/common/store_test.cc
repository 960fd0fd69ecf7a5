#include "common/storage/store.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/api/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::storage {
namespace {

using accord::registry::v1::Partnership;

StoreOptions Options(const std::string& path, int schema = kSchemaVersion) {
  return {.path = path, .service = "test", .schema_version = schema,
          .column_families = {"records"}};
}

Partnership Named(const std::string& name) {
  Partnership p;
  p.set_name(name);
  return p;
}

absl::Status PutOne(Store& store, const std::string& key, const std::string& value) {
  return store.Write([&](Change& change) {
    change.Put("records", key, value);
    change.Emit(events::v1::CREATED, key, Named(key));
    return absl::OkStatus();
  });
}

TEST(Store, CommittedChangeIsReadableAndHasAnEvent) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(PutOne(**store, "a", "1").ok());
  std::string value;
  ASSERT_TRUE((*store)->Get("records", "a", &value).ok());
  EXPECT_EQ(value, "1");
  auto events = (*store)->ReadEvents(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].sequence(), 1);
  EXPECT_EQ((*events)[0].service(), "test");
  EXPECT_EQ((*events)[0].resource_name(), "a");
  Partnership resource;
  ASSERT_TRUE((*events)[0].resource().UnpackTo(&resource));
  EXPECT_EQ(resource.name(), "a");
}

TEST(Store, FailedBuildWritesNothingAndUsesNoSequence) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  absl::Status status = (*store)->Write([&](Change& change) {
    change.Put("records", "a", "1");
    change.Emit(events::v1::CREATED, "a", Named("a"));
    return absl::InvalidArgumentError("no");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::string value;
  EXPECT_TRUE(absl::IsNotFound((*store)->Get("records", "a", &value)));
  EXPECT_EQ((*store)->latest_sequence(), 0);
  ASSERT_TRUE(PutOne(**store, "b", "2").ok());
  EXPECT_EQ((*store)->latest_sequence(), 1);
}

TEST(Store, ChangeWithoutEventIsWrittenButTakesNoSequence) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write([&](Change& change) {
    change.Put("records", "cursor", "7");
    return absl::OkStatus();
  }).ok());
  std::string value;
  ASSERT_TRUE((*store)->Get("records", "cursor", &value).ok());
  EXPECT_EQ(value, "7");
  EXPECT_EQ((*store)->latest_sequence(), 0);
  ASSERT_TRUE(PutOne(**store, "a", "1").ok());
  EXPECT_EQ((*store)->latest_sequence(), 1);
}

TEST(Store, OneChangeMayEmitSeveralEventsWithConsecutiveSequences) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(PutOne(**store, "first", "v").ok());
  ASSERT_TRUE((*store)->Write([&](Change& change) {
    EXPECT_EQ(change.sequence(), 2);
    for (const char* key : {"a", "b", "c"}) {
      change.Put("records", key, "v");
      change.Emit(events::v1::UPDATED, key, Named(key));
    }
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ((*store)->latest_sequence(), 4);
  ASSERT_TRUE(PutOne(**store, "after", "v").ok());
  auto events = (*store)->ReadEvents(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 5u);
  EXPECT_EQ((*events)[1].resource_name(), "a");
  EXPECT_EQ((*events)[3].resource_name(), "c");
  EXPECT_EQ((*events)[3].sequence(), 4);
  EXPECT_EQ((*events)[4].sequence(), 5);
}

TEST(Store, ChangeReadsItsOwnWrites) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write([&](Change& change) {
    change.Put("records", "a", "1");
    std::string value;
    EXPECT_TRUE(change.Get("records", "a", &value).ok());
    EXPECT_EQ(value, "1");
    change.Emit(events::v1::CREATED, "a", Named("a"));
    return absl::OkStatus();
  }).ok());
}

TEST(Store, SequenceAndDataSurviveReopen) {
  testing::TempDir dir;
  {
    auto store = Store::Open(Options(dir.path()));
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutOne(**store, absl::StrCat("k", i), "v").ok());
  }
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->latest_sequence(), 5);
  ASSERT_TRUE(PutOne(**store, "k5", "v").ok());
  auto events = (*store)->ReadEvents(4, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].sequence(), 5);
  EXPECT_EQ((*events)[1].sequence(), 6);
}

TEST(Store, ANewerSchemaIsRefusedOnOpenAndTheStoreIsLeftAlone) {
  testing::TempDir dir;
  {
    auto newer = Store::Open(Options(dir.path(), kSchemaVersion + 1));
    ASSERT_TRUE(newer.ok());
    ASSERT_TRUE(PutOne(**newer, "a", "1").ok());
  }
  auto store = Store::Open(Options(dir.path()));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr(absl::StrCat("has schema version ", kSchemaVersion + 1,
                                                "; this build reads up to ", kSchemaVersion)));
  auto again = Store::Open(Options(dir.path(), kSchemaVersion + 1));
  ASSERT_TRUE(again.ok()) << "a refused open must not change the store";
  std::string value;
  EXPECT_TRUE((*again)->Get("records", "a", &value).ok());
}

TEST(Store, AVersionOneStoreIsMigratedAndKeepsItsRequestIds) {
  testing::TempDir dir;
  auto build = [](Change& change) -> absl::StatusOr<std::string> {
    change.Put("records", "r", "v");
    change.Emit(events::v1::CREATED, "r", Named("r"));
    return std::string("answer");
  };
  {
    auto v1 = Store::Open(Options(dir.path(), 1));
    ASSERT_TRUE(v1.ok());
    ASSERT_TRUE((*v1)->WriteOnce("Create", "req-1", 7, build).ok());
  }
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->opened_at_version(), 1);
  int64_t before = (*store)->latest_sequence();
  auto retried = (*store)->WriteOnce("Create", "req-1", 7, build);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(*retried, "answer");
  EXPECT_EQ((*store)->latest_sequence(), before) << "the retry wrote again";
  {
    auto index = (*store)->NewIterator(kRequestTimesFamily);
    index->SeekToFirst();
    ASSERT_TRUE(index->Valid()) << "the migration indexed the old request id";
    EXPECT_EQ(View(index->key()).substr(8), "Create/req-1");
  }
  store->reset();
  auto reopened = Store::Open(Options(dir.path()));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->opened_at_version(), kSchemaVersion) << "migrated once, not twice";
}

TEST(Store, RequestIdsExpireAfterTheRetentionInsideLaterWrites) {
  testing::TempDir dir;
  StoreOptions options = Options(dir.path());
  options.request_retention = absl::Milliseconds(50);
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok());
  int runs = 0;
  auto build = [&runs](Change& change) -> absl::StatusOr<std::string> {
    ++runs;
    change.Put("records", "r" + std::to_string(runs), "v");
    return std::string("ok");
  };
  ASSERT_TRUE((*store)->WriteOnce("Create", "old", 1, build).ok());
  ASSERT_TRUE((*store)->WriteOnce("Create", "old", 1, build).ok());
  EXPECT_EQ(runs, 1) << "remembered within the retention";
  absl::SleepFor(absl::Milliseconds(60));
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((*store)->WriteOnce("Create", "new-" + std::to_string(i), 1, build).ok());
  }
  std::string record;
  EXPECT_TRUE(absl::IsNotFound((*store)->Get(kRequestsFamily, "Create/old", &record)))
      << "an expired request id is forgotten";
  EXPECT_TRUE((*store)->Get(kRequestsFamily, "Create/new-99", &record).ok());
  int before = runs;
  ASSERT_TRUE((*store)->WriteOnce("Create", "old", 1, build).ok());
  EXPECT_EQ(runs, before + 1) << "a retry after the retention runs again";
}

TEST(Store, SecondOpenOfTheSameFolderIsUnavailable) {
  testing::TempDir dir;
  auto first = Store::Open(Options(dir.path()));
  ASSERT_TRUE(first.ok());
  auto second = Store::Open(Options(dir.path()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(Store, RepeatedRequestIdReturnsFirstResponseAndWritesOnce) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  int runs = 0;
  auto build = [&](Change& change) -> absl::StatusOr<std::string> {
    ++runs;
    change.Put("records", "a", absl::StrCat(runs));
    change.Emit(events::v1::CREATED, "a", Named("a"));
    return absl::StrCat("response-", runs);
  };
  auto first = (*store)->WriteOnce("Create", "req-1", 42, build);
  auto second = (*store)->WriteOnce("Create", "req-1", 42, build);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, "response-1");
  EXPECT_EQ(*second, "response-1");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ((*store)->latest_sequence(), 1);

  auto different = (*store)->WriteOnce("Create", "req-1", 43, build);
  EXPECT_EQ(different.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(different.status().message()), ::testing::StartsWith("request_id:"));
  EXPECT_EQ(runs, 1);
}

TEST(Store, ConcurrentWritersGetDistinctGaplessSequences) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE(PutOne(**store, absl::StrCat(t, "-", i), "v").ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto events = (*store)->ReadEvents(0, 1000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 100u);
  for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].sequence(), int64_t(i + 1));
}

TEST(Store, SubscribersAreWokenAfterCommit) {
  testing::TempDir dir;
  auto store = Store::Open(Options(dir.path()));
  ASSERT_TRUE(store.ok());
  int64_t seen = -1;
  int id = (*store)->Subscribe([&] { seen = (*store)->latest_sequence(); });
  ASSERT_TRUE(PutOne(**store, "a", "1").ok());
  EXPECT_EQ(seen, 1);
  (*store)->Unsubscribe(id);
  ASSERT_TRUE(PutOne(**store, "b", "1").ok());
  EXPECT_EQ(seen, 1);
}

TEST(Store, SequenceKeysSortNumerically) {
  EXPECT_LT(EncodeSequence(255), EncodeSequence(256));
  EXPECT_EQ(DecodeSequence(EncodeSequence(123456789)), 123456789);
}

}  // namespace
}  // namespace accord::storage
