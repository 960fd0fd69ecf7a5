#include "common/storage/store.h"

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/errors.h"
#include "common/telemetry/log.h"
#include "rocksdb/options.h"

namespace accord::storage {
namespace {

constexpr char kSchemaKey[] = "schema_version";

// What WriteOnce keeps per request id: who asked what, and the answer given.
std::string EncodeIdempotencyRecord(uint64_t fingerprint, absl::string_view response) {
  std::string out = EncodeSequence(static_cast<int64_t>(fingerprint));
  out.append(response.data(), response.size());
  return out;
}

}  // namespace

std::string EncodeSequence(int64_t sequence) {
  std::string key(8, '\0');
  auto value = static_cast<uint64_t>(sequence);
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return key;
}

int64_t DecodeSequence(absl::string_view key) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(key[i]);
  }
  return static_cast<int64_t>(value);
}

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsNoSpace()) {
    return api::Error(absl::StatusCode::kResourceExhausted, "STORAGE_FULL", message);
  }
  if (status.IsCorruption()) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT", message);
  }
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut() ||
      (status.IsIOError() && status.ToString().find("lock") != std::string::npos)) {
    return api::Error(absl::StatusCode::kUnavailable, "STORAGE_BUSY", message);
  }
  return api::Error(absl::StatusCode::kInternal, "STORAGE_ERROR", message);
}

Change::Change(Store* store, int64_t sequence)
    : store_(store), sequence_(sequence), batch_(rocksdb::BytewiseComparator(), 0, true) {}

void Change::Put(absl::string_view family, absl::string_view key, absl::string_view value) {
  batch_.Put(store_->Family(family), rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()));
}

void Change::Delete(absl::string_view family, absl::string_view key) {
  batch_.Delete(store_->Family(family), rocksdb::Slice(key.data(), key.size()));
}

absl::Status Change::Get(absl::string_view family, absl::string_view key, std::string* value) {
  return FromRocks(batch_.GetFromBatchAndDB(store_->db_.get(), rocksdb::ReadOptions(),
                                            store_->Family(family),
                                            rocksdb::Slice(key.data(), key.size()), value),
                   absl::StrCat("read ", family));
}

void Change::Emit(events::v1::ChangeKind kind, absl::string_view resource_name,
                  const google::protobuf::Message& resource, absl::string_view request_id,
                  absl::string_view action) {
  events::v1::Event event;
  int64_t sequence = sequence_ + emitted_;
  event.set_sequence(sequence);
  event.set_service(store_->service());
  event.set_resource_name(std::string(resource_name));
  event.set_kind(kind);
  event.mutable_resource()->PackFrom(resource);
  absl::Time now = absl::Now();
  event.mutable_commit_time()->set_seconds(absl::ToUnixSeconds(now));
  event.mutable_commit_time()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(now - absl::FromUnixSeconds(
                                                              absl::ToUnixSeconds(now)))));
  event.set_request_id(std::string(request_id));
  event.set_action(std::string(action));
  Put(kEventsFamily, EncodeSequence(sequence), event.SerializeAsString());
  ++emitted_;
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create store folder ", options.path, ": ", ec.message()));
  }
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  // Replays every complete record and tolerates only a torn final record (a write that was
  // never acknowledged); corruption anywhere else stops the open instead of dropping data.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 5;

  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {std::string(kEventsFamily), cf_options},
      {std::string(kRequestsFamily), cf_options}};
  for (const std::string& name : options.column_families) {
    descriptors.push_back({name, cf_options});
  }

  auto store = std::unique_ptr<Store>(new Store());
  store->options_ = options;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(db_options, options.path, descriptors, &store->handles_, &db);
  if (!status.ok()) return FromRocks(status, absl::StrCat("open store ", options.path));
  store->db_.reset(db);
  for (size_t i = 0; i < descriptors.size(); ++i) {
    store->families_[descriptors[i].name] = store->handles_[i];
  }

  std::string version;
  status = db->Get(rocksdb::ReadOptions(), kSchemaKey, &version);
  std::string expected = std::to_string(options.schema_version);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    status = db->Put(write_options, kSchemaKey, expected);
    if (!status.ok()) return FromRocks(status, "write schema version");
  } else if (!status.ok()) {
    return FromRocks(status, "read schema version");
  } else if (version != expected) {
    return absl::FailedPreconditionError(
        absl::StrCat("store ", options.path, " has schema version ", version,
                     "; this build reads version ", expected, ". Migrate it first."));
  }

  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(),
                                                        store->Family(kEventsFamily)));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "read event feed");
  int64_t latest = it->Valid() ? DecodeSequence(View(it->key())) : 0;
  {
    absl::MutexLock lock(&store->write_mu_);
    store->next_sequence_ = latest + 1;
  }
  store->latest_sequence_.store(latest, std::memory_order_release);
  return store;
}

Store::~Store() {
  if (!db_) return;
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Store::Family(absl::string_view name) const {
  auto it = families_.find(name);
  // A missing family is a programming error: the service names its families on open.
  if (it == families_.end()) {
    telemetry::Log("fatal", "unknown column family", {{"family", std::string(name)}});
    std::abort();
  }
  return it->second;
}

absl::Status Store::Get(absl::string_view family, absl::string_view key, std::string* value,
                        const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  return FromRocks(
      db_->Get(read_options, Family(family), rocksdb::Slice(key.data(), key.size()), value),
      absl::StrCat("read ", family));
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(absl::string_view family,
                                                      const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options, Family(family)));
}

absl::Status Store::Commit(Change& change) {
  if (change.batch_.GetWriteBatch()->Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db_->Write(write_options, change.batch_.GetWriteBatch()), "commit");
}

absl::Status Store::Write(const std::function<absl::Status(Change&)>& build) {
  absl::StatusOr<std::string> result =
      WriteOnce({}, {}, 0, [&](Change& change) -> absl::StatusOr<std::string> {
        absl::Status status = build(change);
        if (!status.ok()) return status;
        return std::string();
      });
  return result.status();
}

absl::StatusOr<std::string> Store::WriteOnce(
    absl::string_view method, absl::string_view request_id, uint64_t request_fingerprint,
    const std::function<absl::StatusOr<std::string>(Change&)>& build) {
  std::string response;
  {
    absl::MutexLock lock(&write_mu_);
    if (!request_id.empty()) {
      auto stored = StoredResponse(method, request_id, request_fingerprint);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) return **stored;
    }
    Change change(this, next_sequence_);
    absl::StatusOr<std::string> built = build(change);
    if (!built.ok()) return built.status();
    response = *std::move(built);
    if (!request_id.empty()) {
      change.Put(kRequestsFamily, absl::StrCat(method, "/", request_id),
                 EncodeIdempotencyRecord(request_fingerprint, response));
    }
    absl::Status committed = Commit(change);
    if (!committed.ok()) return committed;
    if (change.emitted_ == 0) return response;
    next_sequence_ += change.emitted_;
    latest_sequence_.store(next_sequence_ - 1, std::memory_order_release);
  }
  std::vector<std::function<void()>> wakes;
  {
    absl::MutexLock lock(&subscribers_mu_);
    for (auto& [id, wake] : subscribers_) wakes.push_back(wake);
  }
  for (auto& wake : wakes) wake();
  return response;
}

absl::StatusOr<std::optional<std::string>> Store::StoredResponse(
    absl::string_view method, absl::string_view request_id, uint64_t request_fingerprint) const {
  std::string record;
  absl::Status found = Get(kRequestsFamily, absl::StrCat(method, "/", request_id), &record);
  if (absl::IsNotFound(found)) return std::nullopt;
  if (!found.ok()) return found;
  if (record.size() < 8) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored request record cannot be decoded");
  }
  if (static_cast<uint64_t>(DecodeSequence(record)) != request_fingerprint) {
    return api::InvalidField("request_id",
                             "was already used for a different request; use a new request_id");
  }
  return record.substr(8);
}

absl::StatusOr<std::vector<events::v1::Event>> Store::ReadEvents(int64_t after,
                                                                 int limit) const {
  std::vector<events::v1::Event> events;
  auto it = NewIterator(kEventsFamily);
  for (it->Seek(EncodeSequence(after + 1)); it->Valid() && static_cast<int>(events.size()) < limit;
       it->Next()) {
    events::v1::Event& event = events.emplace_back();
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                        absl::StrCat("event ", DecodeSequence(View(it->key())),
                                     " cannot be decoded"));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read event feed");
  return events;
}

int Store::Subscribe(std::function<void()> wake) {
  absl::MutexLock lock(&subscribers_mu_);
  int id = next_subscriber_++;
  subscribers_[id] = std::move(wake);
  return id;
}

void Store::Unsubscribe(int id) {
  absl::MutexLock lock(&subscribers_mu_);
  subscribers_.erase(id);
}

}  // namespace accord::storage
