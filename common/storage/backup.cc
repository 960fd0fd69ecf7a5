#include "common/storage/backup.h"

#include <filesystem>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"

namespace accord::storage {
namespace {

namespace fs = std::filesystem;

// "service=registry\nschema_version=2\nlatest_sequence=17": what the store was when backed up.
std::string Metadata(const Store& store, int64_t sequence) {
  return absl::StrCat("service=", store.service(), "\nschema_version=", store.schema_version(),
                      "\nlatest_sequence=", sequence);
}

BackupRecord Record(const rocksdb::BackupInfo& info) {
  BackupRecord record;
  record.id = info.backup_id;
  record.create_unix_seconds = info.timestamp;
  record.size_bytes = static_cast<int64_t>(info.size);
  record.file_count = static_cast<int>(info.number_files);
  for (absl::string_view line : absl::StrSplit(info.app_metadata, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, '=');
    if (kv.first == "service") record.service = std::string(kv.second);
    if (kv.first == "schema_version") (void)absl::SimpleAtoi(kv.second, &record.schema_version);
    if (kv.first == "latest_sequence") {
      (void)absl::SimpleAtoi(kv.second, &record.latest_sequence);
    }
  }
  return record;
}

absl::Status FromIo(const rocksdb::IOStatus& status, absl::string_view what) {
  return FromRocks(rocksdb::Status(status), what);
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReader(
    const std::string& backup_dir) {
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no backup folder at ", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* engine = nullptr;
  rocksdb::IOStatus status = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &engine);
  if (!status.ok()) return FromIo(status, absl::StrCat("open backups in ", backup_dir));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(engine);
}

// One backup engine writes a backup folder at a time within this process.
absl::Mutex backup_mu;

}  // namespace

absl::StatusOr<BackupRecord> CreateBackup(const Store& store, const std::string& backup_dir,
                                          int keep) {
  absl::MutexLock lock(&backup_mu);
  std::error_code ec;
  fs::create_directories(backup_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create backup folder ", backup_dir, ": ", ec.message()));
  }
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus status = rocksdb::BackupEngine::Open(
      rocksdb::BackupEngineOptions(backup_dir), rocksdb::Env::Default(), &raw);
  if (!status.ok()) return FromIo(status, absl::StrCat("open backups in ", backup_dir));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);

  // The feed position when the backup starts: the backup holds at least this much.
  int64_t sequence = store.latest_sequence();
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  status = engine->CreateNewBackupWithMetadata(options, store.db(), Metadata(store, sequence),
                                               &id);
  if (!status.ok()) return FromIo(status, "create backup");
  status = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  if (!status.ok()) {
    (void)engine->DeleteBackup(id);
    return FromIo(status, absl::StrCat("verify new backup ", id));
  }
  if (keep > 0) {
    status = engine->PurgeOldBackups(static_cast<uint32_t>(keep));
    if (!status.ok()) return FromIo(status, "delete old backups");
  }
  rocksdb::BackupInfo info;
  rocksdb::Status got = engine->GetBackupInfo(id, &info);
  if (!got.ok()) return FromRocks(got, absl::StrCat("read backup ", id));
  BackupRecord record = Record(info);
  record.verified = true;
  return record;
}

absl::StatusOr<std::vector<BackupRecord>> ListBackups(const std::string& backup_dir) {
  auto engine = OpenReader(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<BackupRecord> records;
  for (const rocksdb::BackupInfo& info : infos) records.push_back(Record(info));
  return records;
}

absl::StatusOr<std::vector<BackupRecord>> VerifyBackups(const std::string& backup_dir,
                                                        uint32_t id) {
  auto engine = OpenReader(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupID> corrupt;
  (*engine)->GetCorruptedBackups(&corrupt);
  if (!corrupt.empty() && (id == 0 || std::find(corrupt.begin(), corrupt.end(), id) !=
                                          corrupt.end())) {
    return absl::DataLossError(absl::StrCat("backup ", corrupt.front(), " in ", backup_dir,
                                            " is corrupt (its metadata cannot be read)"));
  }
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  std::vector<BackupRecord> checked;
  for (const rocksdb::BackupInfo& info : infos) {
    if (id != 0 && info.backup_id != id) continue;
    rocksdb::IOStatus status = (*engine)->VerifyBackup(info.backup_id, true);
    if (!status.ok()) {
      return absl::DataLossError(absl::StrCat("backup ", info.backup_id, " in ", backup_dir,
                                              " does not verify: ", status.ToString()));
    }
    checked.push_back(Record(info));
    checked.back().verified = true;
  }
  if (id != 0 && checked.empty()) {
    return absl::NotFoundError(absl::StrCat("no backup ", id, " in ", backup_dir));
  }
  return checked;
}

absl::StatusOr<RestoreResult> RestoreBackup(const RestoreOptions& options) {
  auto engine = OpenReader(options.backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  if (infos.empty()) {
    return absl::NotFoundError(absl::StrCat("no backup in ", options.backup_dir));
  }
  const rocksdb::BackupInfo* chosen = &infos.back();
  if (options.id != 0) {
    chosen = nullptr;
    for (const auto& info : infos) {
      if (info.backup_id == options.id) chosen = &info;
    }
    if (chosen == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("no backup ", options.id, " in ", options.backup_dir));
    }
  }
  RestoreResult result;
  result.backup = Record(*chosen);
  rocksdb::IOStatus io = (*engine)->VerifyBackup(chosen->backup_id, true);
  if (!io.ok()) {
    return absl::DataLossError(absl::StrCat("backup ", chosen->backup_id,
                                            " does not verify; nothing restored: ",
                                            io.ToString()));
  }
  result.backup.verified = true;

  const fs::path data_dir(options.data_dir);
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", options.data_dir, ": ", ec.message()));
  }
  // RocksDB's own lock: held while a service has the store open.
  rocksdb::Env* env = rocksdb::Env::Default();
  rocksdb::FileLock* file_lock = nullptr;
  rocksdb::Status locked = env->LockFile((data_dir / "LOCK").string(), &file_lock);
  if (!locked.ok()) {
    return absl::UnavailableError(absl::StrCat("the store at ", options.data_dir,
                                               " is in use; stop its service first"));
  }
  absl::Status moved = absl::OkStatus();
  if (fs::exists(data_dir / "CURRENT")) {
    if (!options.replace) {
      moved = absl::FailedPreconditionError(
          absl::StrCat(options.data_dir, " already holds a store; pass --replace to move it "
                       "aside and restore over it"));
    } else {
      fs::path aside = data_dir / absl::StrCat("replaced-", absl::FormatTime("%Y%m%dT%H%M%SZ",
                                                                    absl::Now(),
                                                                    absl::UTCTimeZone()));
      fs::create_directory(aside, ec);
      // The store's files (not earlier replaced-* folders, the admin socket or the lock we
      // hold), listed first and moved after, so the listing never sees its own moves.
      std::vector<fs::path> files;
      for (const fs::directory_entry& entry : fs::directory_iterator(data_dir, ec)) {
        if (entry.is_regular_file() && entry.path().filename() != "LOCK") {
          files.push_back(entry.path());
        }
      }
      for (const fs::path& file : files) {
        if (ec) break;
        fs::rename(file, aside / file.filename(), ec);
      }
      if (ec) {
        moved = absl::InternalError(absl::StrCat("cannot move the old store aside into ",
                                                 aside.string(), ": ", ec.message()));
      }
      result.replaced_to = aside.string();
    }
  }
  (void)env->UnlockFile(file_lock);
  if (!moved.ok()) return moved;

  io = (*engine)->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->backup_id,
                                      options.data_dir, options.data_dir);
  if (!io.ok()) {
    absl::Status failed = FromIo(io, absl::StrCat("restore backup ", chosen->backup_id));
    if (result.replaced_to.empty()) return failed;
    return absl::Status(failed.code(), absl::StrCat(failed.message(), "; the previous store is in ",
                                                    result.replaced_to));
  }
  return result;
}

int64_t StoreSizeBytes(const Store& store) {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : store.families()) {
    uint64_t bytes = 0;
    if (store.db()->GetIntProperty(family, "rocksdb.live-sst-files-size", &bytes)) {
      total += bytes;
    }
  }
  rocksdb::VectorLogPtr wal_files;
  if (store.db()->GetSortedWalFiles(wal_files).ok()) {
    for (const auto& file : wal_files) total += file->SizeFileBytes();
  }
  return static_cast<int64_t>(total);
}

}  // namespace accord::storage
