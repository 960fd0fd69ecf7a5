// Scenario 1: crash durability. Writers create partnerships, update them, screen them
// (assessment service) and record risks on them (risk service), all through the gateway's
// REST port with request ids, and keep a ledger of every acknowledged write. A driver
// SIGKILLs a random process (any service or the gateway) at random moments and starts it
// again on its store. At the end every acknowledged write must read back as acknowledged,
// exactly once.
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment_service.pb.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/risk/v1/risk_service.pb.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;

constexpr char kService[] = "Resilience";
constexpr char kOfficer[] = "fault-lead";

std::string RiskJson(const std::string& title) {
  return absl::StrCat(R"({"title":")", title, R"(","riskTo":"BOTH",
  "category":"PARTNER_FAILURE_TO_PERFORM","owner":"Head of Finance",
  "inherent":{"impact":4,"likelihood":4},"residual":{"impact":3,"likelihood":2},
  "reviewDate":"2027-03-31"})");
}

// What one writer believes is stored, from acknowledged answers only.
struct Record {
  std::string id;
  std::string display_name;
  std::string remit;
  bool remit_certain = true;  // false when an update was never acknowledged
  std::string screening;      // acknowledged justification, if any
  bool screening_tried = false;
  std::vector<std::string> risks;  // acknowledged titles
};

struct Writer {
  std::vector<Record> records;
  int64_t acknowledged = 0;
  int64_t attempts = 0;
  int64_t unacknowledged = 0;
};

}  // namespace

void CrashDurability(Params& params, Figures& figures) {
  const int64_t cycles = params.Int("cycles", 12, 1000);
  const int64_t writers_count = params.Int("writers", 3, 3);
  const int64_t min_gap_ms = params.Int("min_gap_ms", 150, 100);
  const int64_t max_gap_ms = params.Int("max_gap_ms", 700, 400);

  FaultStack stack({});
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return;
  }
  const int port = stack.http_port();
  std::map<std::string, std::string> headers = stack.Auth();
  if (!EnsureOfficer(port, headers, kOfficer, "LEAD_OFFICER", kService)) {
    figures.Fail("could not put the officer in the directory");
    return;
  }
  headers["x-accord-officer"] = kOfficer;

  std::atomic<bool> stop{false};
  std::vector<Writer> writers(writers_count);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers_count; ++w) {
    threads.emplace_back([&, w] {
      Writer& me = writers[w];
      for (int n = 0; !stop.load(); ++n) {
        const std::string tag = absl::StrCat("w", w, "-n", n);
        int64_t choice = Uniform(0, 99);
        testing::HttpResponse answer;
        int tries = 0;
        auto call = [&](const std::string& method, const std::string& target,
                        const std::string& body, std::map<std::string, std::string> extra) {
          for (auto& [k, v] : headers) extra[k] = v;
          answer = RestWithRetry(port, method, target, body, extra, std::chrono::seconds(60),
                                 nullptr, &tries);
          me.attempts += tries;
          if (answer.status == 200) {
            ++me.acknowledged;
            return true;
          }
          if (Retryable(answer.status)) {
            ++me.unacknowledged;
          } else {
            figures.Count("rejected");
            figures.Fail(absl::StrCat(method, " ", target, " answered ", answer.status, ": ",
                                      answer.body.substr(0, 300)));
          }
          return false;
        };
        if (me.records.empty() || choice < 40) {
          Record record;
          record.id = "d-" + tag;
          record.display_name = "Durable " + tag;
          record.remit = "v0";
          if (call("POST",
                   absl::StrCat("/v1/partnerships?partnershipId=", record.id, "&requestId=c-",
                                tag),
                   absl::StrCat(R"({"displayName":")", record.display_name,
                                R"(","leadService":")", kService, R"(","remit":"v0"})"),
                   {})) {
            figures.Count("partnerships_created");
            me.records.push_back(record);
          }
          continue;
        }
        Record& record = me.records[Uniform(0, me.records.size() - 1)];
        if (choice < 70) {
          std::string remit = "v-" + tag;
          if (call("PATCH",
                   absl::StrCat("/v1/partnerships/", record.id, "?updateMask=remit&requestId=u-",
                                tag),
                   absl::StrCat(R"({"remit":")", remit, R"("})"), {})) {
            figures.Count("partnerships_updated");
            record.remit = remit;
            record.remit_certain = true;
          } else {
            record.remit_certain = false;
          }
        } else if (choice < 85 && !record.screening_tried) {
          record.screening_tried = true;
          std::string justification = "screened " + tag;
          if (call("POST", absl::StrCat("/v1/partnerships/", record.id, "/screenings"),
                   absl::StrCat(R"({"outcome":"IS_PARTNERSHIP","justification":")",
                                justification, R"("})"),
                   {{"idempotency-key", "s-" + tag}})) {
            figures.Count("screenings_created");
            record.screening = justification;
          }
        } else if (choice >= 85) {
          std::string title = "Risk " + tag;
          if (call("POST", absl::StrCat("/v1/partnerships/", record.id, "/risks"),
                   RiskJson(title), {{"idempotency-key", "r-" + tag}})) {
            figures.Count("risks_created");
            record.risks.push_back(title);
          }
        }
      }
    });
  }

  // The driver: kill -9 a random process at a random moment, start it again.
  std::vector<std::string> targets = stack.names();
  std::map<std::string, int64_t> kills;
  int64_t failed_reopens = 0;
  auto start = std::chrono::steady_clock::now();
  for (int64_t cycle = 0; cycle < cycles; ++cycle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(min_gap_ms, max_gap_ms)));
    const std::string& target = targets[Uniform(0, targets.size() - 1)];
    stack.Kill(target);
    ++kills[target];
    if (!stack.StartProcess(target)) {
      ++failed_reopens;
      figures.Fail(absl::StrCat("cycle ", cycle, ": ", stack.error().substr(0, 600)));
      if (!stack.StartProcess(target)) break;  // cannot go on without it
    }
    if (cycle % 100 == 99) {
      std::fprintf(stderr, "crash_durability: %lld cycles, %.0f s\n",
                   static_cast<long long>(cycle + 1), SecondsSince(start));
    }
  }
  stop = true;
  for (auto& t : threads) t.join();

  // Verify the ledger through the gateway.
  int64_t checked = 0, lost = 0, wrong = 0, duplicates = 0, uncertain = 0;
  auto get = [&](const std::string& target) {
    return RestWithRetry(port, "GET", target, "", headers, std::chrono::seconds(30));
  };
  for (const Writer& writer : writers) {
    for (const Record& record : writer.records) {
      ++checked;
      testing::HttpResponse read = get("/v1/partnerships/" + record.id);
      registry::Partnership p;
      if (read.status != 200 || !FromJson(read.body, &p)) {
        ++lost;
        figures.Fail(absl::StrCat("partnership ", record.id, " lost: ", read.status, " ",
                                  read.body.substr(0, 200)));
        continue;
      }
      if (p.display_name() != record.display_name) {
        ++wrong;
        figures.Fail(absl::StrCat(record.id, " display name ", p.display_name()));
      }
      if (!record.remit_certain) {
        ++uncertain;
      } else if (p.remit() != record.remit) {
        ++lost;  // an acknowledged update is missing (or an older value came back)
        figures.Fail(absl::StrCat(record.id, " remit ", p.remit(), ", acknowledged ",
                                  record.remit));
      }
      if (!record.screening.empty()) {
        ++checked;
        testing::HttpResponse list = get(absl::StrCat("/v1/partnerships/", record.id,
                                                      "/screenings"));
        assessment::ListScreeningsResponse screenings;
        FromJson(list.body, &screenings);
        int found = 0;
        for (const auto& s : screenings.screenings()) found += s.justification() == record.screening;
        if (found == 0) {
          ++lost;
          figures.Fail(absl::StrCat(record.id, " lost its screening: ", list.status));
        }
        if (found > 1) duplicates += found - 1;
      }
      if (!record.risks.empty()) {
        testing::HttpResponse list = get(absl::StrCat("/v1/partnerships/", record.id,
                                                      "/risks?pageSize=1000"));
        risk::ListRisksResponse risks;
        FromJson(list.body, &risks);
        for (const std::string& title : record.risks) {
          ++checked;
          int found = 0;
          for (const auto& r : risks.risks()) found += r.title() == title;
          if (found == 0) {
            ++lost;
            figures.Fail(absl::StrCat(record.id, " lost risk ", title, ": ", list.status));
          }
          if (found > 1) duplicates += found - 1;
        }
      }
    }
  }
  if (duplicates > 0) figures.Fail(absl::StrCat(duplicates, " writes applied twice"));
  int64_t acknowledged = 0, attempts = 0, unacknowledged = 0;
  for (const Writer& writer : writers) {
    acknowledged += writer.acknowledged;
    attempts += writer.attempts;
    unacknowledged += writer.unacknowledged;
  }
  figures.Set("kill_cycles", cycles);
  std::string per_target;
  for (const auto& [name, count] : kills) absl::StrAppend(&per_target, name, ":", count, " ");
  figures.Set("kills_per_process", per_target);
  figures.Set("failed_reopens", failed_reopens);
  figures.Set("acknowledged_writes", acknowledged);
  figures.Set("http_attempts", attempts);
  figures.Set("never_acknowledged", unacknowledged);
  figures.Set("ledger_entries_checked", checked);
  figures.Set("lost", lost);
  figures.Set("wrong_value", wrong);
  figures.Set("duplicates", duplicates);
  figures.Set("updates_with_unknown_outcome", uncertain);
  if (acknowledged < cycles) figures.Fail("too few acknowledged writes to prove anything");
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

bool EnsureOfficer(int http_port, const std::map<std::string, std::string>& auth,
                   const std::string& officer, const std::string& roles,
                   const std::string& service) {
  std::string roles_json;
  size_t start = 0;
  while (start <= roles.size()) {
    size_t comma = roles.find(',', start);
    if (comma == std::string::npos) comma = roles.size();
    absl::StrAppend(&roles_json, roles_json.empty() ? "" : ",", "\"",
                    roles.substr(start, comma - start), "\"");
    start = comma + 1;
  }
  std::string body = absl::StrCat(R"({"displayName":")", officer, R"(","service":")", service,
                                  R"(","roles":[)", roles_json, "]}");
  testing::HttpResponse created =
      RestWithRetry(http_port, "POST", "/v1/officers?officerId=" + officer, body, auth,
                    std::chrono::seconds(20));
  if (created.status == 409) {
    created = RestWithRetry(http_port, "PATCH", "/v1/officers/" + officer, body, auth,
                            std::chrono::seconds(20));
  }
  if (created.status != 200) {
    std::fprintf(stderr, "officer %s: %d %s\n", officer.c_str(), created.status,
                 created.body.c_str());
  }
  return created.status == 200;
}

}  // namespace accord::fault
