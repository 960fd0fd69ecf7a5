// accord-bench-bulk-load: fills a service's store with synthetic partnerships through the
// service's own code, fast enough for a million records (the API would take hours: one synced
// batch per create). The service must not be running on the folder.
//
//   registry: Registry::Import, the CSV import behind POST /v1/partnerships:import, 5000
//             rows a call (its limit), each row with its index entries and CREATED event.
//   review:   Reviews::Import (schedules refreshed from the protocol, due-date and anomaly
//             indexes), after the protocol_loaded event the assessment feed would bring;
//             the register's feed cursor is set to --registry_cursor so a review service
//             started on the store does not replay the register's bulk-load events.
//
//   accord-bench-bulk-load --service=registry --data_dir=D --from=0 --count=1000000
//   accord-bench-bulk-load --service=review --data_dir=D --from=0 --count=1000000
//       --protocol_file=protocols/chorley.textproto --registry_cursor=1000000
//
// Record i is partnerships/p%07d; lead service, tier and key flag cycle so that a filter on
// them selects a fixed share at every size. Prints {"records":…, "seconds":…, "per_s":…}.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/storage/feed_follower.h"
#include "common/storage/store.h"
#include "services/assessment/domain/protocol_rules.h"
#include "services/registry/registry.h"
#include "services/review/reviews.h"

namespace {

constexpr const char* kLeadServices[] = {"Leisure",  "Housing",     "Community Safety",
                                         "Economic Development", "Health", "Planning",
                                         "Environment", "Finance", "Culture", "Transport"};
constexpr const char* kTiers[] = {"LIMITED", "MODERATE", "MAJOR"};

std::string Flag(int argc, char** argv, const char* name, const char* fallback) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  }
  return fallback;
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "accord-bench-bulk-load: %s: %s\n", what.c_str(),
               status.ToString().c_str());
  return 1;
}

int LoadRegistry(const std::string& dir, int64_t from, int64_t count) {
  auto store = accord::storage::Store::Open(
      {.path = dir, .service = "registry",
       .column_families = accord::registry::Registry::ColumnFamilies()});
  if (!store.ok()) return Fail("open " + dir, store.status());
  accord::registry::Registry registry(store->get());
  constexpr int64_t kRowsPerImport = 5000;
  for (int64_t start = from; start < from + count; start += kRowsPerImport) {
    std::string csv = "partnership_id,display_name,lead_service,key_partnership,state,tier,remit\n";
    for (int64_t i = start; i < std::min(from + count, start + kRowsPerImport); ++i) {
      absl::StrAppendFormat(&csv, "p%07d,Partnership %d,%s,%s,ACTIVE,%s,%s\n", i, i,
                            kLeadServices[i % 10], i % 10 == 0 ? "yes" : "no", kTiers[i % 3],
                            "Joint delivery of a council service with partners");
    }
    accord::registry::v1::ImportPartnershipsRequest request;
    request.set_csv(std::move(csv));
    auto imported = registry.Import(request);
    if (!imported.ok()) return Fail(absl::StrCat("import rows from ", start), imported.status());
  }
  return 0;
}

int LoadReview(const std::string& dir, int64_t from, int64_t count,
               const std::string& protocol_file, int64_t registry_cursor) {
  auto store = accord::storage::Store::Open(
      {.path = dir, .service = "review",
       .column_families = accord::review::Reviews::ColumnFamilies()});
  if (!store.ok()) return Fail("open " + dir, store.status());
  accord::review::Reviews reviews(store->get(), nullptr,
                                  [] { return absl::CivilDay(2026, 6, 1); });
  auto protocol = accord::assessment::LoadProtocolFile(protocol_file);
  if (!protocol.ok()) return Fail("load " + protocol_file, protocol.status());
  accord::events::v1::Event loaded;
  loaded.set_sequence(1);
  loaded.set_action("protocol_loaded");
  loaded.set_resource_name(protocol->name());
  loaded.mutable_resource()->PackFrom(*protocol);
  if (absl::Status s = reviews.FollowAssessment(loaded); !s.ok()) return Fail("protocol", s);

  const accord::assessment::v1::Tier tiers[] = {accord::assessment::v1::LIMITED,
                                                accord::assessment::v1::MODERATE,
                                                accord::assessment::v1::MAJOR};
  constexpr size_t kBatch = 2000;
  std::vector<accord::review::v1::TrackedPartnership> batch;
  for (int64_t i = from; i < from + count; ++i) {
    accord::review::v1::TrackedPartnership r;
    r.set_name(absl::StrFormat("partnerships/p%07d", i));
    r.set_display_name(absl::StrFormat("Partnership %d", i));
    r.set_state(5);  // ACTIVE
    r.set_screened(true);
    r.set_assessed(true);
    r.set_tier(tiers[i % 3]);
    r.set_key_partnership(i % 10 == 0);
    r.set_protocol(protocol->name());
    r.set_protocol_version(protocol->version());
    // Approvals spread over three years, so due dates spread over the calendar.
    r.set_approval_date(absl::StrFormat("%04d-%02d-%02d", 2024 + i % 3, 1 + i % 12, 1 + i % 28));
    batch.push_back(std::move(r));
    if (batch.size() == kBatch || i + 1 == from + count) {
      if (absl::Status s = reviews.Import(batch, absl::CivilDay(2024, 1, 1)); !s.ok()) {
        return Fail(absl::StrCat("import records up to ", i), s);
      }
      batch.clear();
    }
  }
  if (registry_cursor > 0) {
    accord::events::v1::Event seen;
    seen.set_sequence(registry_cursor);
    absl::Status s = accord::storage::ApplyOnce(**store, "registry", seen,
                                                [](accord::storage::Change&) {
                                                  return absl::OkStatus();
                                                });
    if (!s.ok()) return Fail("set the register's cursor", s);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string service = Flag(argc, argv, "service", "");
  std::string dir = Flag(argc, argv, "data_dir", "");
  int64_t from = std::stoll(Flag(argc, argv, "from", "0"));
  int64_t count = std::stoll(Flag(argc, argv, "count", "1000"));
  if (dir.empty()) {
    std::fprintf(stderr, "accord-bench-bulk-load: --data_dir is required\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  int rc;
  if (service == "registry") {
    rc = LoadRegistry(dir, from, count);
  } else if (service == "review") {
    rc = LoadReview(dir, from, count, Flag(argc, argv, "protocol_file", ""),
                    std::stoll(Flag(argc, argv, "registry_cursor", "0")));
  } else {
    std::fprintf(stderr, "accord-bench-bulk-load: --service must be registry or review\n");
    return 2;
  }
  if (rc != 0) return rc;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"records\":%lld,\"seconds\":%.2f,\"per_s\":%.0f}\n",
              static_cast<long long>(count), seconds, static_cast<double>(count) / seconds);
  return 0;
}
