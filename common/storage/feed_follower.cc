#include "common/storage/feed_follower.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "common/telemetry/log.h"

namespace accord::storage {
namespace {

std::string CursorKey(absl::string_view source) { return absl::StrCat("cursor/", source); }

}  // namespace

absl::StatusOr<int64_t> ReadCursor(const Store& store, absl::string_view source) {
  std::string value;
  absl::Status status = store.Get(rocksdb::kDefaultColumnFamilyName, CursorKey(source), &value);
  if (absl::IsNotFound(status)) return 0;
  if (!status.ok()) return status;
  int64_t cursor = 0;
  if (!absl::SimpleAtoi(value, &cursor)) {
    return absl::DataLossError(absl::StrCat("cursor of feed ", source, " is unreadable"));
  }
  return cursor;
}

absl::StatusOr<std::map<std::string, int64_t>> ReadCursors(const Store& store) {
  std::map<std::string, int64_t> cursors;
  const std::string prefix = CursorKey("");
  auto it = store.NewIterator(rocksdb::kDefaultColumnFamilyName);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    int64_t cursor = 0;
    if (!absl::SimpleAtoi(View(it->value()), &cursor)) {
      return absl::DataLossError(absl::StrCat("cursor ", View(it->key()), " is unreadable"));
    }
    cursors[std::string(View(it->key()).substr(prefix.size()))] = cursor;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read cursors");
  return cursors;
}

absl::Status ApplyOnce(Store& store, absl::string_view source, const events::v1::Event& event,
                       const std::function<absl::Status(Change&)>& apply) {
  return store.Write([&](Change& change) -> absl::Status {
    std::string value;
    absl::Status found = change.Get(rocksdb::kDefaultColumnFamilyName, CursorKey(source), &value);
    int64_t cursor = 0;
    if (found.ok() && !absl::SimpleAtoi(value, &cursor)) {
      return absl::DataLossError(absl::StrCat("cursor of feed ", source, " is unreadable"));
    }
    if (!found.ok() && !absl::IsNotFound(found)) return found;
    if (event.sequence() <= cursor) return absl::OkStatus();  // applied before
    if (absl::Status s = apply(change); !s.ok()) return s;
    change.Put(rocksdb::kDefaultColumnFamilyName, CursorKey(source),
               absl::StrCat(event.sequence()));
    return absl::OkStatus();
  });
}

FeedFollower::FeedFollower(std::string source, Store* store, OpenStream open, Apply apply)
    : source_(std::move(source)), store_(store), open_(std::move(open)), apply_(std::move(apply)) {}

FeedFollower::~FeedFollower() { Stop(); }

void FeedFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void FeedFollower::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (current_ != nullptr) current_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void FeedFollower::Run() {
  absl::Duration backoff = absl::Milliseconds(50);
  while (!stopping_) {
    auto cursor = ReadCursor(*store_, source_);
    if (!cursor.ok()) {
      telemetry::Log("error", "cannot read feed cursor",
                     {{"feed", source_}, {"error", cursor.status().ToString()}});
      absl::SleepFor(absl::Seconds(1));
      continue;
    }
    applied_ = *cursor;
    grpc::ClientContext ctx;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      current_ = &ctx;
    }
    events::v1::StreamEventsRequest request;
    request.set_after_sequence(*cursor);
    auto reader = open_(&ctx, request);
    if (reader == nullptr) {  // the producer cannot be located yet
      {
        absl::MutexLock lock(&mu_);
        current_ = nullptr;
      }
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Seconds(2));
      continue;
    }
    events::v1::Event event;
    bool failed = false;
    while (!failed && reader->Read(&event)) {
      absl::Status applied = apply_(event);
      if (!applied.ok()) {
        telemetry::Log("error", "cannot apply feed event",
                       {{"feed", source_},
                        {"sequence", absl::StrCat(event.sequence())},
                        {"error", applied.ToString()}});
        ctx.TryCancel();
        failed = true;
      } else {
        applied_ = std::max<int64_t>(applied_.load(), event.sequence());
        backoff = absl::Milliseconds(50);
      }
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      current_ = nullptr;
    }
    if (stopping_) break;
    telemetry::Log("warn", "feed stream ended; reconnecting",
                   {{"feed", source_}, {"code", absl::StrCat(status.error_code())},
                    {"error", status.error_message()}});
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

}  // namespace accord::storage
