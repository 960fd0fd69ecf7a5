#include "common/storage/store.h"

#include <sys/statvfs.h>

#include <algorithm>

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/errors.h"
#include "common/telemetry/log.h"
#include "rocksdb/cache.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"

namespace accord::storage {
namespace {

constexpr char kSchemaKey[] = "schema_version";

// What WriteOnce keeps per request id: who asked what, and the answer given.
std::string EncodeIdempotencyRecord(uint64_t fingerprint, absl::string_view response) {
  std::string out = EncodeSequence(static_cast<int64_t>(fingerprint));
  out.append(response.data(), response.size());
  return out;
}

// Keys of the request-times index: when, then which record.
std::string RequestTimeKey(absl::Time written, absl::string_view request_key) {
  return absl::StrCat(EncodeSequence(absl::ToUnixMicros(written)), request_key);
}

// Expired request records deleted per write, at most, and how often writes look for them:
// bounded work that keeps pace with any write rate a council could produce.
constexpr int kExpiryEvery = 64;
constexpr int kExpiryBatch = 32;
// Index entries per batch when migrating a large store to schema 2.
constexpr int kMigrationBatch = 10000;

enum class InBatch { kAbsent, kFound, kDeleted };

// What `batch` alone says about `key`: put (value set), deleted, or not mentioned.
InBatch FindInBatch(rocksdb::WriteBatchWithIndex& batch, rocksdb::ColumnFamilyHandle* family,
                    const rocksdb::Slice& key, std::string* value) {
  std::unique_ptr<rocksdb::WBWIIterator> it(batch.NewIterator(family));
  it->Seek(key);
  if (!it->Valid()) return InBatch::kAbsent;
  rocksdb::WriteEntry entry = it->Entry();
  if (entry.key != key) return InBatch::kAbsent;
  if (entry.type == rocksdb::kPutRecord) {
    value->assign(entry.value.data(), entry.value.size());
    return InBatch::kFound;
  }
  if (entry.type == rocksdb::kDeleteRecord || entry.type == rocksdb::kSingleDeleteRecord) {
    return InBatch::kDeleted;
  }
  return InBatch::kAbsent;
}

// Replays a change's batch (puts and deletes, as Change writes them) into the group's.
class AppendToGroup : public rocksdb::WriteBatch::Handler {
 public:
  AppendToGroup(const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                rocksdb::WriteBatchWithIndex* group)
      : families_(families), group_(group) {}
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* handle = ById(family);
    return handle ? group_->Put(handle, key, value)
                  : rocksdb::Status::InvalidArgument("unknown column family");
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* handle = ById(family);
    return handle ? group_->Delete(handle, key)
                  : rocksdb::Status::InvalidArgument("unknown column family");
  }

 private:
  rocksdb::ColumnFamilyHandle* ById(uint32_t id) const {
    for (rocksdb::ColumnFamilyHandle* handle : families_) {
      if (handle->GetID() == id) return handle;
    }
    return nullptr;
  }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families_;
  rocksdb::WriteBatchWithIndex* group_;
};

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
  rocksdb::ColumnFamilyHandle* handle = store_->Family(family);
  rocksdb::Slice slice(key.data(), key.size());
  // Over the store: this change's own writes, then those of the changes committed with it.
  rocksdb::WriteBatchWithIndex* group = store_->GroupSoFar();
  if (group == nullptr) {
    return FromRocks(batch_.GetFromBatchAndDB(store_->db_.get(), rocksdb::ReadOptions(), handle,
                                              slice, value),
                     absl::StrCat("read ", family));
  }
  switch (FindInBatch(batch_, handle, slice, value)) {
    case InBatch::kFound:
      return absl::OkStatus();
    case InBatch::kDeleted:
      return FromRocks(rocksdb::Status::NotFound(), absl::StrCat("read ", family));
    case InBatch::kAbsent:
      break;
  }
  return FromRocks(group->GetFromBatchAndDB(store_->db_.get(), rocksdb::ReadOptions(), handle,
                                            slice, value),
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
  // Reads' memory stays bounded whatever the data size (docs/performance.md, case 6): the
  // column families share one 32 MB block cache, where RocksDB's default gives each family
  // its own. (A shared memtable budget, db_write_buffer_size, would bound writes' memory
  // too, but it also shrinks the WAL's preallocation and changes how a full disk shows up;
  // left for when the fault suite covers it.)

  rocksdb::ColumnFamilyOptions cf_options;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(32 << 20);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {std::string(kEventsFamily), cf_options},
      {std::string(kRequestsFamily), cf_options},
      {std::string(kRequestTimesFamily), cf_options}};
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
  int stored = 0;
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    status = db->Put(write_options, kSchemaKey, std::to_string(options.schema_version));
    if (!status.ok()) return FromRocks(status, "write schema version");
    stored = options.schema_version;
  } else if (!status.ok()) {
    return FromRocks(status, "read schema version");
  } else if (!absl::SimpleAtoi(version, &stored) || stored < 1) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      absl::StrCat("store ", options.path, " has an unreadable schema version"));
  }
  if (stored > options.schema_version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", options.path, " has schema version ", stored, "; this build reads up to ",
        options.schema_version, ". Run the newer Accord that wrote it, or restore a backup "
        "made by this version."));
  }
  store->opened_at_version_ = stored;
  if (stored < options.schema_version) {
    telemetry::Log("info", "migrating store",
                   {{"path", options.path},
                    {"from", std::to_string(stored)},
                    {"to", std::to_string(options.schema_version)}});
    if (absl::Status migrated = store->Migrate(stored); !migrated.ok()) return migrated;
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

absl::Status Store::Migrate(int from_version) {
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  for (int version = from_version + 1; version <= options_.schema_version; ++version) {
    rocksdb::WriteBatch batch;
    if (version == 2) {
      // Index every remembered request id; their age is unknown, so they count from now.
      std::string now = EncodeSequence(absl::ToUnixMicros(absl::Now()));
      std::unique_ptr<rocksdb::Iterator> it(
          db_->NewIterator(rocksdb::ReadOptions(), Family(kRequestsFamily)));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        batch.Put(Family(kRequestTimesFamily), absl::StrCat(now, View(it->key())), "");
        if (batch.Count() >= kMigrationBatch) {
          // Re-running an interrupted step only adds index entries again: harmless.
          rocksdb::Status status = db_->Write(write_options, &batch);
          if (!status.ok()) return FromRocks(status, "migrate to schema 2");
          batch.Clear();
        }
      }
      if (!it->status().ok()) return FromRocks(it->status(), "migrate to schema 2");
    } else {
      return absl::InternalError(absl::StrCat("no migration to schema ", version));
    }
    batch.Put(kSchemaKey, std::to_string(version));
    rocksdb::Status status = db_->Write(write_options, &batch);
    if (!status.ok()) return FromRocks(status, absl::StrCat("migrate to schema ", version));
  }
  return absl::OkStatus();
}

void Store::ExpireRequests(Change& change) {
  if (options_.request_retention <= absl::ZeroDuration()) return;
  if (++writes_since_expiry_ < kExpiryEvery) return;
  writes_since_expiry_ = 0;
  std::string cutoff =
      EncodeSequence(absl::ToUnixMicros(absl::Now() - options_.request_retention));
  auto it = NewIterator(kRequestTimesFamily);
  int deleted = 0;
  for (it->SeekToFirst(); it->Valid() && deleted < kExpiryBatch; it->Next(), ++deleted) {
    absl::string_view key = View(it->key());
    if (key.size() < 8 || key.substr(0, 8) >= cutoff) break;
    change.Delete(kRequestsFamily, key.substr(8));
    change.Delete(kRequestTimesFamily, key);
  }
}

Store::~Store() {
  if (!db_) return;
  // On a clean stop the memtables go to table files, so the next start has no WAL to
  // replay: with 1M records a start after a burst of writes took 1.3 s of replay and
  // recovery flush, 0.1 s after this (docs/performance.md, case 6). A failed flush (a full
  // disk) loses nothing: the WAL still holds every change.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  db_->Flush(flush, handles_).PermitUncheckedError();
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
  rocksdb::WriteBatchWithIndex* group = snapshot == nullptr ? GroupSoFar() : nullptr;
  if (group != nullptr) {
    return FromRocks(group->GetFromBatchAndDB(db_.get(), read_options, Family(family),
                                              rocksdb::Slice(key.data(), key.size()), value),
                     absl::StrCat("read ", family));
  }
  return FromRocks(
      db_->Get(read_options, Family(family), rocksdb::Slice(key.data(), key.size()), value),
      absl::StrCat("read ", family));
}

rocksdb::WriteBatchWithIndex* Store::GroupSoFar() const {
  if (building_thread_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    return nullptr;
  }
  rocksdb::WriteBatchWithIndex* group = group_so_far_;
  return group != nullptr && group->GetWriteBatch()->Count() > 0 ? group : nullptr;
}

std::unique_ptr<rocksdb::Iterator> Store::NewIterator(absl::string_view family,
                                                      const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  rocksdb::WriteBatchWithIndex* group = snapshot == nullptr ? GroupSoFar() : nullptr;
  if (group != nullptr) {
    // The change being built writes to its own batch, never to the group's, so iterating
    // this while it writes is safe.
    return std::unique_ptr<rocksdb::Iterator>(group->NewIteratorWithBase(
        Family(family), db_->NewIterator(read_options, Family(family))));
  }
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options, Family(family)));
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
  PendingWrite write;
  write.method = std::string(method);
  write.request_id = std::string(request_id);
  write.request_fingerprint = request_fingerprint;
  write.build = build;
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(&write);
  // Either a leader commits this write with its group, or this caller leads: every write
  // waiting by then, and those that arrive meanwhile.
  auto answered_or_free = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return write.done || !leader_active_;
  };
  queue_mu_.Await(absl::Condition(&answered_or_free));
  if (!write.done) {
    leader_active_ = true;
    Lead();
  }
  return std::move(write.result);
}

void Store::WriteOnceAsync(std::string method, std::string request_id,
                           uint64_t request_fingerprint,
                           std::function<absl::StatusOr<std::string>(Change&)> build,
                           std::function<void(absl::StatusOr<std::string>)> done) {
  auto* write = new PendingWrite;
  write->method = std::move(method);
  write->request_id = std::move(request_id);
  write->request_fingerprint = request_fingerprint;
  write->build = std::move(build);
  write->on_done = std::move(done);
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(write);
  if (leader_active_) return;  // the leader takes it with its next group
  leader_active_ = true;
  Lead();
}

void Store::Lead() {
  while (!queue_.empty()) {
    std::vector<PendingWrite*> group(queue_.begin(), queue_.end());
    queue_.clear();
    queue_mu_.Unlock();
    bool emitted = CommitGroup(group);
    std::vector<PendingWrite*> callbacks;
    queue_mu_.Lock();
    // A waiting caller returns as soon as it sees done: touch none of them after this.
    for (PendingWrite* write : group) {
      if (write->on_done) {
        callbacks.push_back(write);
      } else {
        write->done = true;
      }
    }
    queue_mu_.Unlock();
    if (emitted) {
      std::vector<std::function<void()>> wakes;
      {
        absl::MutexLock lock(&subscribers_mu_);
        for (auto& [id, wake] : subscribers_) wakes.push_back(wake);
      }
      for (auto& wake : wakes) wake();
    }
    for (PendingWrite* write : callbacks) {
      write->on_done(std::move(write->result));
      delete write;
    }
    queue_mu_.Lock();
  }
  leader_active_ = false;
}

absl::Status Store::CheckFreeSpace(size_t batch_bytes) const {
  struct statvfs fs;
  if (statvfs(options_.path.c_str(), &fs) != 0) return absl::OkStatus();  // let RocksDB say
  uint64_t size = static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
  uint64_t free = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  uint64_t reserve = std::min<uint64_t>(static_cast<uint64_t>(options_.min_free_bytes), size / 10);
  if (free >= reserve + batch_bytes) return absl::OkStatus();
  telemetry::Log("error", "store disk nearly full; write refused",
                 {{"path", options_.path},
                  {"free_bytes", std::to_string(free)},
                  {"reserve_bytes", std::to_string(reserve)}});
  return api::Error(absl::StatusCode::kResourceExhausted, "STORAGE_FULL",
                    "the service's disk is full; nothing was written, and writes resume "
                    "once space is freed");
}

bool Store::CommitGroup(const std::vector<PendingWrite*>& group) {
  absl::MutexLock lock(&write_mu_);
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, true);
  group_so_far_ = &batch;
  building_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  int64_t next = next_sequence_;
  for (PendingWrite* write : group) write->result = BuildChange(*write, batch, next);
  building_thread_.store(std::thread::id(), std::memory_order_relaxed);
  group_so_far_ = nullptr;
  if (batch.GetWriteBatch()->Count() == 0) return false;
  absl::Status committed = CheckFreeSpace(batch.GetWriteBatch()->GetDataSize());
  if (committed.ok()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    committed = FromRocks(db_->Write(write_options, batch.GetWriteBatch()), "commit");
  }
  if (!committed.ok()) {
    // Nothing of the group was written, and later changes may have read earlier ones.
    for (PendingWrite* write : group) {
      if (write->wrote) write->result = committed;
    }
    return false;
  }
  bool emitted = next != next_sequence_;
  next_sequence_ = next;
  latest_sequence_.store(next - 1, std::memory_order_release);
  return emitted;
}

absl::StatusOr<std::string> Store::BuildChange(PendingWrite& write,
                                               rocksdb::WriteBatchWithIndex& group,
                                               int64_t& next_sequence) {
  if (!write.request_id.empty()) {
    auto stored = StoredResponse(write.method, write.request_id, write.request_fingerprint);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) return **stored;
  }
  Change change(this, next_sequence);
  absl::StatusOr<std::string> built = write.build(change);
  if (!built.ok()) return built.status();
  if (!write.request_id.empty()) {
    std::string key = absl::StrCat(write.method, "/", write.request_id);
    change.Put(kRequestTimesFamily, RequestTimeKey(absl::Now(), key), "");
    change.Put(kRequestsFamily, key, EncodeIdempotencyRecord(write.request_fingerprint, *built));
  }
  // A change that writes nothing is not committed, and carries no expiries.
  if (change.batch_.GetWriteBatch()->Count() == 0) return built;
  ExpireRequests(change);
  AppendToGroup append(handles_, &group);
  absl::Status appended =
      FromRocks(change.batch_.GetWriteBatch()->Iterate(&append), "add a change to its group");
  if (!appended.ok()) return appended;
  write.wrote = true;
  next_sequence += change.emitted_;
  return built;
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
