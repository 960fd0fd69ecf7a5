#include "gateway/audit/audit_log.h"

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "common/api/page_token.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace accord::gateway {
namespace {

constexpr absl::string_view kEntries = "audit";            // sequence -> entry
constexpr absl::string_view kByResource = "audit_by_resource";  // resource \0 sequence
constexpr absl::string_view kByOfficer = "audit_by_officer";    // officer \0 sequence
constexpr absl::string_view kByTime = "audit_by_time";          // micros, sequence

using google::protobuf::util::TimeUtil;

int64_t Micros(const google::protobuf::Timestamp& t) { return TimeUtil::TimestampToMicroseconds(t); }

std::string IndexKey(absl::string_view value, int64_t sequence) {
  return absl::StrCat(value, std::string(1, '\0'), storage::EncodeSequence(sequence));
}

bool Matches(const v1::AuditEntry& entry, const AuditQuery& query) {
  int64_t micros = Micros(entry.time());
  if (query.start && micros < absl::ToUnixMicros(*query.start)) return false;
  if (query.end && micros >= absl::ToUnixMicros(*query.end)) return false;
  if (!query.code.empty() && entry.code() != query.code) return false;
  if (!query.resource.empty() && entry.resource() != query.resource) return false;
  if (!query.officer.empty() && entry.officer() != query.officer) return false;
  return true;
}

// Walks the index that serves `query` from just after `after` (an index key; empty: the
// start), calling `visit(index_key, entry)` for matching entries until it returns false.
absl::Status Walk(const storage::Store& store, const AuditQuery& query, const std::string& after,
                  const std::function<bool(const std::string&, const v1::AuditEntry&)>& visit) {
  absl::string_view family = kEntries;
  std::string prefix;
  std::string seek;
  if (!query.resource.empty() || !query.officer.empty()) {
    family = query.resource.empty() ? kByOfficer : kByResource;
    prefix = absl::StrCat(query.resource.empty() ? query.officer : query.resource,
                          std::string(1, '\0'));
    seek = prefix;
  } else if (query.start) {
    family = kByTime;
    seek = storage::EncodeSequence(absl::ToUnixMicros(*query.start));
  }
  const rocksdb::Snapshot* snapshot = store.GetSnapshot();
  std::unique_ptr<rocksdb::Iterator> it = store.NewIterator(family, snapshot);
  if (!after.empty()) {
    it->Seek(after);
    if (it->Valid() && storage::View(it->key()) == after) it->Next();
  } else {
    it->Seek(seek);
  }
  absl::Status status;
  for (; it->Valid(); it->Next()) {
    absl::string_view key = storage::View(it->key());
    if (!prefix.empty() && !absl::StartsWith(key, prefix)) break;
    int64_t sequence = storage::DecodeSequence(key.substr(key.size() - 8));
    if (family == kByTime && query.end &&
        storage::DecodeSequence(key.substr(0, 8)) >= absl::ToUnixMicros(*query.end)) {
      break;
    }
    std::string value;
    if (family == kEntries) {
      value = std::string(storage::View(it->value()));
    } else if (absl::Status got = store.Get(kEntries, storage::EncodeSequence(sequence), &value,
                                            snapshot);
               !got.ok()) {
      status = got;
      break;
    }
    v1::AuditEntry entry;
    if (!entry.ParseFromString(value)) {
      status = absl::DataLossError(absl::StrCat("audit entry ", sequence, " does not parse"));
      break;
    }
    if (Matches(entry, query) && !visit(std::string(key), entry)) break;
  }
  if (status.ok() && !it->status().ok()) status = storage::FromRocks(it->status(), "audit");
  it.reset();
  store.ReleaseSnapshot(snapshot);
  return status;
}

uint64_t Fingerprint(const AuditQuery& query) {
  return api::QueryFingerprint(
      absl::StrCat(query.resource, "|", query.officer, "|", query.code, "|",
                   query.start ? absl::ToUnixMicros(*query.start) : -1, "|",
                   query.end ? absl::ToUnixMicros(*query.end) : -1),
      "audit");
}

}  // namespace

std::vector<std::string> AuditLog::ColumnFamilies() {
  return {std::string(kEntries), std::string(kByResource), std::string(kByOfficer),
          std::string(kByTime)};
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(storage::Store* store) {
  std::unique_ptr<AuditLog> log(new AuditLog(store));
  std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(kEntries);
  it->SeekToLast();
  absl::MutexLock lock(&log->mu_);
  if (it->Valid()) log->next_sequence_ = storage::DecodeSequence(storage::View(it->key())) + 1;
  if (!it->status().ok()) return storage::FromRocks(it->status(), "reading the audit trail");
  return log;
}

absl::StatusOr<v1::AuditEntry> AuditLog::Append(v1::AuditEntry entry) {
  absl::MutexLock lock(&mu_);
  int64_t sequence = next_sequence_;
  entry.set_sequence(sequence);
  entry.set_name(absl::StrCat("auditEntries/", sequence));
  if (!entry.has_time()) *entry.mutable_time() = TimeUtil::GetCurrentTime();
  absl::Status written = store_->Write([&](storage::Change& change) {
    std::string key = storage::EncodeSequence(sequence);
    change.Put(kEntries, key, entry.SerializeAsString());
    if (!entry.resource().empty()) change.Put(kByResource, IndexKey(entry.resource(), sequence), "");
    if (!entry.officer().empty()) change.Put(kByOfficer, IndexKey(entry.officer(), sequence), "");
    change.Put(kByTime, storage::EncodeSequence(Micros(entry.time())) + key, "");
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  ++next_sequence_;
  return entry;
}

absl::StatusOr<AuditPage> AuditLog::List(const AuditQuery& query, int page_size,
                                         absl::string_view page_token) const {
  if (!query.resource.empty() && !query.officer.empty()) {
    return api::InvalidField("resource", "give resource or officer, not both");
  }
  absl::StatusOr<int> size = api::EffectivePageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = Fingerprint(query);
  std::string after;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> cursor = api::DecodePageToken(page_token, fingerprint);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  AuditPage page;
  std::string last_key;
  absl::Status walked = Walk(*store_, query, after, [&](const std::string& key,
                                                        const v1::AuditEntry& entry) {
    if (static_cast<int>(page.entries.size()) == *size) {
      page.next_page_token = api::EncodePageToken(last_key, fingerprint);
      return false;
    }
    page.entries.push_back(entry);
    last_key = key;
    return true;
  });
  if (!walked.ok()) return walked;
  return page;
}

absl::StatusOr<std::string> AuditLog::ExportJsonLines(const AuditQuery& query, int limit) const {
  if (!query.resource.empty() && !query.officer.empty()) {
    return api::InvalidField("resource", "give resource or officer, not both");
  }
  std::string out;
  int count = 0;
  google::protobuf::util::JsonPrintOptions options;
  absl::Status walked = Walk(*store_, query, "", [&](const std::string&, const v1::AuditEntry& entry) {
    std::string line;
    if (!google::protobuf::util::MessageToJsonString(entry, &line, options).ok()) return false;
    absl::StrAppend(&out, line, "\n");
    return ++count < limit;
  });
  if (!walked.ok()) return walked;
  return out;
}

}  // namespace accord::gateway
