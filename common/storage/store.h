// A service's own RocksDB store: named column families, one synced WriteBatch per change,
// an ordered change feed, and idempotency records (AIP-155).
//
// Thread safety: a Store is safe to share. Reads (Get, NewIterator, ReadEvents) take no
// Accord lock; RocksDB serves them concurrently. Writes go through Write()/WriteOnce(), which
// run one change at a time so that each change sees the state left by the previous one and
// gets the next feed sequence. Writers that arrive together are committed together (group
// commit): one of them builds every waiting change in turn, each seeing those before it
// (through Change::Get, and through Get/NewIterator called inside its build), then writes
// them all in one synced WriteBatch and answers each caller. One fsync then serves many
// requests, and none is acknowledged before it is durable. Readers on other threads see a
// change only once it is committed. Changes only group when their callers wait at the same
// time: a gRPC callback handler should use WriteOnceAsync, because gRPC runs callback
// handlers on very few threads (2 on a 2-core machine), and a handler that blocks in a
// write keeps the next request from even being read.
#ifndef ACCORD_COMMON_STORAGE_STORE_H_
#define ACCORD_COMMON_STORAGE_STORE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <memory>
#include <string>
#include <thread>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "accord/events/v1/events.pb.h"
#include "google/protobuf/message.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace accord::storage {

// The layout this build writes. A store at an older version is migrated on open (each step
// one synced batch, the version bumped with the step's last batch); a store at a newer
// version is refused, so an older binary never misreads data it does not understand.
//   1: the first release.
//   2: request-id records are indexed by the time they were written, so that they expire
//      after StoreOptions::request_retention (AIP-155 lets a service forget old ids).
inline constexpr int kSchemaVersion = 2;

struct StoreOptions {
  std::string path;             // the folder; created when missing
  std::string service;          // names the feed's events, for example "registry"
  int schema_version = kSchemaVersion;  // tests only: open as an older or newer build would
  std::vector<std::string> column_families;  // the service's own, besides the built-in ones
  // How long a request id is remembered; a retry after this runs again. Expired records
  // are deleted a few at a time inside later writes' batches. Zero: remembered forever.
  absl::Duration request_retention = absl::Hours(24 * 30);
  // Writes are refused (RESOURCE_EXHAUSTED, reason STORAGE_FULL) while the disk has less
  // free than this (at most a tenth of the disk on small ones): a clean error instead of
  // RocksDB failing mid-write, reads keep working, and writes resume when space returns.
  int64_t min_free_bytes = 64 << 20;
};

// Converts a RocksDB status: NoSpace → RESOURCE_EXHAUSTED, Corruption → DATA_LOSS,
// NotFound → NOT_FOUND, busy/lock → UNAVAILABLE, anything else → INTERNAL.
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what);

class Store;

// One change being assembled inside Store::Write. Not thread-safe; lives only for the call.
class Change {
 public:
  // The feed sequence of this change's first event once committed; unique per change, so
  // it also serves as a version (etag) of what the change writes.
  int64_t sequence() const { return sequence_; }

  void Put(absl::string_view family, absl::string_view key, absl::string_view value);
  void Delete(absl::string_view family, absl::string_view key);

  // Reads a key as this change would leave it (its own puts and deletes over the store).
  // NOT_FOUND when absent.
  absl::Status Get(absl::string_view family, absl::string_view key, std::string* value);

  // Records a feed event of this change; events get consecutive sequences. A change that
  // emits none (a consumer storing only its cursor, say) takes no feed sequence.
  void Emit(events::v1::ChangeKind kind, absl::string_view resource_name,
            const google::protobuf::Message& resource, absl::string_view request_id = {},
            absl::string_view action = {});

 private:
  friend class Store;
  Change(Store* store, int64_t sequence);
  Store* store_;
  int64_t sequence_;
  rocksdb::WriteBatchWithIndex batch_;
  int emitted_ = 0;
};

class Store {
 public:
  // Opens (creating when missing) the store at options.path, migrating an older schema.
  // FAILED_PRECONDITION when the store's schema is newer than options.schema_version;
  // DATA_LOSS when RocksDB finds corruption; UNAVAILABLE when another process holds it.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // NOT_FOUND when `key` is absent.
  absl::Status Get(absl::string_view family, absl::string_view key, std::string* value,
                   const rocksdb::Snapshot* snapshot = nullptr) const;

  // An iterator over `family`, reading at `snapshot` when given.
  std::unique_ptr<rocksdb::Iterator> NewIterator(
      absl::string_view family, const rocksdb::Snapshot* snapshot = nullptr) const;

  // A consistent view for multi-key reads; release with ReleaseSnapshot.
  const rocksdb::Snapshot* GetSnapshot() const { return db_->GetSnapshot(); }
  void ReleaseSnapshot(const rocksdb::Snapshot* snapshot) const {
    db_->ReleaseSnapshot(snapshot);
  }

  // Runs `build` as the only writer, then commits its Change as one WriteBatch with
  // sync=true. When `build` fails, or the commit fails, nothing is written. A change that
  // wrote nothing at all is not committed.
  absl::Status Write(const std::function<absl::Status(Change&)>& build);

  // Write() keyed by (method, request_id) (AIP-155). The first call runs `build`, which
  // returns the serialized response, and stores that response in the same batch. A repeat
  // with the same request returns the stored response and writes nothing; a repeat with a
  // different `request_fingerprint` is INVALID_ARGUMENT naming "request_id". An empty
  // request_id always runs `build`.
  absl::StatusOr<std::string> WriteOnce(
      absl::string_view method, absl::string_view request_id, uint64_t request_fingerprint,
      const std::function<absl::StatusOr<std::string>(Change&)>& build);

  // WriteOnce without waiting: `done` gets the result once the change is committed (or
  // refused), on the thread that commits it, which may be this one. `build` runs on that
  // thread too, so it must own what it uses. `done` must be quick and must not write to
  // this store.
  void WriteOnceAsync(std::string method, std::string request_id, uint64_t request_fingerprint,
                      std::function<absl::StatusOr<std::string>(Change&)> build,
                      std::function<void(absl::StatusOr<std::string>)> done);

  // The response stored for an earlier identical request under (method, request_id), or
  // nullopt when there is none; INVALID_ARGUMENT naming "request_id" when the id was used for
  // a different request. Lets a retry be answered before work that needs other services.
  absl::StatusOr<std::optional<std::string>> StoredResponse(absl::string_view method,
                                                            absl::string_view request_id,
                                                            uint64_t request_fingerprint) const;

  // Up to `limit` events with sequence > after, in order.
  absl::StatusOr<std::vector<events::v1::Event>> ReadEvents(int64_t after, int limit) const;

  // The schema version the store was at before this open (kSchemaVersion when it was new
  // or already current): tells operators and tests that a migration ran.
  int opened_at_version() const { return opened_at_version_; }

  // The highest committed sequence (0 when the feed is empty).
  int64_t latest_sequence() const { return latest_sequence_.load(std::memory_order_acquire); }

  // Calls `wake` (on the committing thread, after the commit) whenever new events are
  // committed, until Unsubscribe. `wake` must be quick and must not write to this store.
  int Subscribe(std::function<void()> wake);
  void Unsubscribe(int id);

  const std::string& service() const { return options_.service; }
  const std::string& path() const { return options_.path; }
  int schema_version() const { return options_.schema_version; }
  rocksdb::ColumnFamilyHandle* Family(absl::string_view name) const;

  // The RocksDB instance, for backups and store statistics (backup.h). Changes must go
  // through Write()/WriteOnce(), never straight to it.
  rocksdb::DB* db() const { return db_.get(); }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return handles_; }

 private:
  friend class Change;
  Store() = default;
  // One change waiting to be built and committed: a WriteOnce caller's (on its stack; it
  // waits for `done`) or a WriteOnceAsync caller's (on the heap; `on_done` is called, then
  // it is deleted).
  struct PendingWrite {
    std::string method;
    std::string request_id;
    uint64_t request_fingerprint = 0;
    std::function<absl::StatusOr<std::string>(Change&)> build;
    std::function<void(absl::StatusOr<std::string>)> on_done;
    absl::StatusOr<std::string> result;
    bool wrote = false;  // the change is in the group's batch
    bool done = false;   // result is final
  };
  // Commits queued groups until the queue is empty. Called with queue_mu_ held and
  // leader_active_ just set by the caller; returns with it held and leader_active_ clear.
  void Lead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // Builds `group`'s changes in order and commits them in one synced batch; fills each
  // result. True when the commit added feed events.
  bool CommitGroup(const std::vector<PendingWrite*>& group);
  // OK when the disk keeps its reserve after `batch_bytes` more.
  absl::Status CheckFreeSpace(size_t batch_bytes) const;
  absl::StatusOr<std::string> BuildChange(PendingWrite& write, rocksdb::WriteBatchWithIndex& group,
                                          int64_t& next_sequence)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The changes built so far in the group being built on this thread, or nullptr: what
  // Get and NewIterator overlay on the store while a change is being built.
  rocksdb::WriteBatchWithIndex* GroupSoFar() const;
  absl::Status Migrate(int from_version);
  // Adds deletes of up to a few expired request records to `change`.
  void ExpireRequests(Change& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> families_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  absl::Mutex write_mu_;
  int64_t next_sequence_ ABSL_GUARDED_BY(write_mu_) = 1;
  int writes_since_expiry_ ABSL_GUARDED_BY(write_mu_) = 0;
  // Set while CommitGroup builds changes (under write_mu_), read only on that thread.
  rocksdb::WriteBatchWithIndex* group_so_far_ = nullptr;
  std::atomic<std::thread::id> building_thread_{};

  absl::Mutex queue_mu_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_active_ ABSL_GUARDED_BY(queue_mu_) = false;
  int opened_at_version_ = kSchemaVersion;
  std::atomic<int64_t> latest_sequence_{0};

  absl::Mutex subscribers_mu_;
  int next_subscriber_ ABSL_GUARDED_BY(subscribers_mu_) = 1;
  std::map<int, std::function<void()>> subscribers_ ABSL_GUARDED_BY(subscribers_mu_);
};

// A RocksDB slice as a string view, without copying.
inline absl::string_view View(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

// A decoded earlier answer to the same request (see Store::StoredResponse), or nullopt.
template <typename Message>
std::optional<absl::StatusOr<Message>> Replayed(const Store& store, absl::string_view method,
                                                absl::string_view request_id,
                                                uint64_t request_fingerprint) {
  if (request_id.empty()) return std::nullopt;
  auto stored = store.StoredResponse(method, request_id, request_fingerprint);
  if (!stored.ok()) return absl::StatusOr<Message>(stored.status());
  if (!stored->has_value()) return std::nullopt;
  Message message;
  if (!message.ParseFromString(**stored)) {
    return absl::StatusOr<Message>(absl::DataLossError("a stored response cannot be decoded"));
  }
  return absl::StatusOr<Message>(std::move(message));
}

// Key helpers: an 8-byte big-endian number sorts in numeric order.
std::string EncodeSequence(int64_t sequence);
int64_t DecodeSequence(absl::string_view key);

// The built-in column families.
inline constexpr absl::string_view kEventsFamily = "events";
inline constexpr absl::string_view kRequestsFamily = "requests";
// Since schema 2: EncodeSequence(written, µs since the epoch) + requests key -> "".
inline constexpr absl::string_view kRequestTimesFamily = "request_times";

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_STORE_H_
