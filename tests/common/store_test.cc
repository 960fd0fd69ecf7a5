#include "common/storage/store.h"

#include <thread>

#include "accord/registry/v1/partnership.pb.h"
#include "common/api/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::storage {
namespace {

using accord::registry::v1::Partnership;

StoreOptions Options(const std::string& path, int schema = 1) {
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

TEST(Store, OtherSchemaVersionIsRefusedOnOpen) {
  testing::TempDir dir;
  { ASSERT_TRUE(Store::Open(Options(dir.path(), 1)).ok()); }
  auto store = Store::Open(Options(dir.path(), 2));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr("schema version 1"));
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
