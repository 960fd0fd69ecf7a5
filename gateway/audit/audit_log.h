// The gateway's audit trail: every write and every denial, appended to the gateway's store
// (one synced batch per entry: the entry and its resource, officer and time index keys) and
// never changed afterwards. Queryable by resource, by officer and by time.
//
// Thread-safe. Append runs one at a time (sequence order is commit order); queries read
// RocksDB without an Accord lock.
#ifndef ACCORD_GATEWAY_AUDIT_AUDIT_LOG_H_
#define ACCORD_GATEWAY_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "accord/gateway/v1/gateway.pb.h"
#include "common/storage/store.h"

namespace accord::gateway {

struct AuditQuery {
  std::string resource;  // at most one of resource and officer
  std::string officer;
  std::optional<absl::Time> start;  // inclusive
  std::optional<absl::Time> end;    // exclusive
  std::string code;                 // outcome code name; empty: any
};

struct AuditPage {
  std::vector<v1::AuditEntry> entries;
  std::string next_page_token;
};

class AuditLog {
 public:
  static std::vector<std::string> ColumnFamilies();
  // `store` is not owned and must outlive the log.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(storage::Store* store);

  // Stores `entry` with the next sequence and, when entry.time is unset, the current time.
  // Returns the stored entry once it is on disk.
  absl::StatusOr<v1::AuditEntry> Append(v1::AuditEntry entry);

  // Entries matching `query`, oldest first. INVALID_ARGUMENT naming "resource" when both
  // resource and officer are given, "page_size" or "page_token" when those are bad.
  absl::StatusOr<AuditPage> List(const AuditQuery& query, int page_size,
                                 absl::string_view page_token) const;

  // Every entry matching `query` (at most `limit`), oldest first, as JSON lines.
  absl::StatusOr<std::string> ExportJsonLines(const AuditQuery& query, int limit) const;

 private:
  explicit AuditLog(storage::Store* store) : store_(store) {}
  storage::Store* store_;
  absl::Mutex mu_;
  int64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUDIT_AUDIT_LOG_H_
