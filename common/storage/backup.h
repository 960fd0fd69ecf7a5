// Backups of a service's store with RocksDB's BackupEngine: taken online from the running
// process (the store keeps serving; each backup is a consistent point in time, and files
// shared with earlier backups are not copied again), listed, checksum-verified and restored
// offline by accordctl.
#ifndef ACCORD_COMMON_STORAGE_BACKUP_H_
#define ACCORD_COMMON_STORAGE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/store.h"

namespace accord::storage {

struct BackupRecord {
  uint32_t id = 0;
  int64_t create_unix_seconds = 0;
  int64_t size_bytes = 0;
  int file_count = 0;
  // What the store was at backup time.
  std::string service;
  int schema_version = 0;
  int64_t latest_sequence = 0;
  bool verified = false;  // checksums checked by this call
};

// Backs up `store` into `backup_dir` (created when missing), then verifies the new backup's
// checksums; a backup that does not verify is deleted and the error returned. With keep > 0,
// then deletes all but the newest `keep` backups.
absl::StatusOr<BackupRecord> CreateBackup(const Store& store, const std::string& backup_dir,
                                          int keep);

// The backups in `backup_dir`, oldest first. NOT_FOUND when the folder does not exist.
absl::StatusOr<std::vector<BackupRecord>> ListBackups(const std::string& backup_dir);

// Checks every file of backup `id` (0: each backup) against its recorded size and checksum.
// DATA_LOSS naming the backup when one does not match. Returns the backups checked.
absl::StatusOr<std::vector<BackupRecord>> VerifyBackups(const std::string& backup_dir,
                                                        uint32_t id);

struct RestoreOptions {
  std::string backup_dir;
  uint32_t id = 0;  // 0: the newest
  std::string data_dir;
  // When data_dir already holds a store, move it aside into
  // <data_dir>/replaced-<UTC time>/ first (kept, never deleted); without this, a store there
  // is FAILED_PRECONDITION and nothing changes.
  bool replace = false;
};

struct RestoreResult {
  BackupRecord backup;
  std::string replaced_to;  // where the old store went; empty when there was none
};

// Offline: the service must be stopped (UNAVAILABLE when a process holds the store). Verifies
// the backup's checksums before touching data_dir, then restores it.
absl::StatusOr<RestoreResult> RestoreBackup(const RestoreOptions& options);

// Live SST plus WAL bytes of `store`.
int64_t StoreSizeBytes(const Store& store);

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_BACKUP_H_
