// accord-bench-rocksdb: the durability limit. `writers` threads each commit WriteBatches
// with sync=true to a RocksDB opened with the options of storage::Store, for `duration_s`;
// prints {"writes":…, "wps":…, "p50_us":…, "p99_us":…}. A batch is shaped like a create's:
// a ~600-byte record, 9 index entries, a ~700-byte event and a request-id record, in
// separate column families. Concurrent writers share fsyncs through RocksDB's write group,
// which is what a store can reach when it lets them.
//
//   accord-bench-rocksdb --path=/tmp/sync --writers=16 --duration_s=5
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string Flag(int argc, char** argv, const char* name, const char* fallback) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = Flag(argc, argv, "path", "");
  int writers = std::stoi(Flag(argc, argv, "writers", "1"));
  double duration_s = std::stod(Flag(argc, argv, "duration_s", "5"));
  double warmup_s = std::stod(Flag(argc, argv, "warmup_s", "0.5"));
  if (path.empty()) {
    std::fprintf(stderr, "accord-bench-rocksdb: --path is required\n");
    return 2;
  }
  std::filesystem::remove_all(path);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.max_background_jobs = 2;
  rocksdb::ColumnFamilyOptions cf_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : {"default", "events", "requests", "request_times", "records", "index"}) {
    families.push_back({name, cf_options});
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(db_options, path, families, &handles, &raw);
  if (!opened.ok()) {
    std::fprintf(stderr, "accord-bench-rocksdb: %s\n", opened.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);

  Clock::time_point start = Clock::now();
  auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  Clock::time_point measure_from = start + seconds(warmup_s);
  Clock::time_point stop_at = measure_from + seconds(duration_s);
  std::vector<std::vector<uint32_t>> latencies(static_cast<size_t>(writers));
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const std::string record(600, 'r');
      const std::string event(700, 'e');
      rocksdb::WriteOptions write_options;
      write_options.sync = true;
      for (int64_t n = 0;; ++n) {
        Clock::time_point began = Clock::now();
        if (began >= stop_at || failed) break;
        char id[48];
        std::snprintf(id, sizeof id, "w%02d-%012lld", w, static_cast<long long>(n));
        rocksdb::WriteBatch batch;
        batch.Put(handles[4], id, record);
        for (int i = 0; i < 9; ++i) {
          batch.Put(handles[5], std::string("f\0field\0value\0", 14) + std::to_string(i) + id, "");
        }
        batch.Put(handles[1], id, event);
        batch.Put(handles[2], std::string("CreatePartnership/") + id, record);
        batch.Put(handles[3], id, "");
        rocksdb::Status s = db->Write(write_options, &batch);
        if (!s.ok()) {
          std::fprintf(stderr, "accord-bench-rocksdb: %s\n", s.ToString().c_str());
          failed = true;
          break;
        }
        Clock::time_point ended = Clock::now();
        if (began >= measure_from && ended <= stop_at) {
          latencies[static_cast<size_t>(w)].push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(ended - began).count()));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<uint32_t> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) -> uint32_t {
    if (all.empty()) return 0;
    return all[std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size() - 1) + 0.5))];
  };
  std::printf("{\"writes\":%zu,\"wps\":%.1f,\"p50_us\":%u,\"p99_us\":%u}\n", all.size(),
              static_cast<double>(all.size()) / duration_s, pct(0.5), pct(0.99));
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  db->Close();
  db.reset();
  std::filesystem::remove_all(path);
  return failed ? 1 : 0;
}
