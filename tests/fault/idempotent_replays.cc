// Scenario 3: idempotent replays. Each logical create (no partnership id: the register
// generates one, so a replay that is not recognised makes a second partnership) is sent
// several times with the same Idempotency-Key header or requestId parameter: twice at the
// same moment, then again one after another, while the register and the gateway are killed
// and restarted. Every answer for one key must name the same partnership, and the register
// must hold exactly one partnership per key.
#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;

constexpr char kService[] = "Idempotency";

}  // namespace

void IdempotentReplays(Params& params, Figures& figures) {
  const int64_t keys = params.Int("keys", 400, 2000);
  const int64_t sends = params.Int("sends_per_key", 5, 5);
  const int64_t workers = params.Int("workers", 4, 4);
  const int64_t min_gap_ms = params.Int("min_gap_ms", 100, 100);
  const int64_t max_gap_ms = params.Int("max_gap_ms", 500, 500);

  FaultStack stack({.review = false, .integrations = false});
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return;
  }
  const int port = stack.http_port();
  std::atomic<int64_t> next{0};
  std::atomic<bool> done{false};
  std::mutex mu;
  std::map<int64_t, std::string> name_of_key;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int64_t k = next++; k < keys; k = next++) {
        const std::string key = absl::StrCat("idem-", k, "-", Uniform(0, 1 << 30));
        const bool header = k % 2 == 0;
        std::string target = "/v1/partnerships";
        std::map<std::string, std::string> headers = stack.Auth();
        if (header) {
          headers["idempotency-key"] = key;
        } else {
          target += "?requestId=" + key;
        }
        const std::string body = absl::StrCat(R"({"displayName":"Idem )", k,
                                              R"(","leadService":")", kService, R"("})");
        auto send = [&] {
          int attempts = 0;
          testing::HttpResponse answer = RestWithRetry(port, "POST", target, body, headers,
                                                       std::chrono::seconds(60), nullptr,
                                                       &attempts);
          figures.Count("http_requests_sent", attempts);
          return answer;
        };
        std::vector<testing::HttpResponse> answers;
        // Two at once: the replay arrives while the first is still being written.
        auto first = std::async(std::launch::async, send);
        answers.push_back(send());
        answers.push_back(first.get());
        for (int i = 2; i < sends; ++i) answers.push_back(send());
        std::set<std::string> names;
        for (const auto& answer : answers) {
          registry::Partnership p;
          if (answer.status != 200 || !FromJson(answer.body, &p)) {
            figures.Count("failed_answers");
            figures.Fail(absl::StrCat("key ", key, ": ", answer.status, " ",
                                      answer.body.substr(0, 200)));
            continue;
          }
          names.insert(p.name());
        }
        if (names.size() > 1) {
          figures.Count("keys_answered_with_different_records");
          figures.Fail(absl::StrCat("key ", key, " answered with ", names.size(), " records"));
        }
        if (k % 10 == 0) {
          // The same key with another request is refused, not replayed.
          std::string other = absl::StrCat(R"({"displayName":"Other )", k,
                                           R"(","leadService":")", kService, R"("})");
          testing::HttpResponse refused = RestWithRetry(port, "POST", target, other, headers,
                                                        std::chrono::seconds(60));
          figures.Count("same_key_other_request_sent");
          if (refused.status != 400) {
            figures.Fail(absl::StrCat("key ", key, " with another body: ", refused.status, " ",
                                      refused.body.substr(0, 200)));
          }
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!names.empty()) name_of_key[k] = *names.begin();
      }
    });
  }
  std::thread finisher([&] {
    for (auto& t : threads) t.join();
    done = true;
  });
  int64_t kills = 0, failed_reopens = 0;
  while (!done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(min_gap_ms, max_gap_ms)));
    if (done) break;
    std::string target = Uniform(0, 1) ? "registry" : "gateway";
    stack.Kill(target);
    ++kills;
    if (!stack.StartProcess(target)) {
      ++failed_reopens;
      figures.Fail("restart of " + target + ": " + stack.error().substr(0, 400));
      if (!stack.StartProcess(target)) break;
    }
  }
  finisher.join();

  // Count the register's partnerships of this run by display name.
  std::map<std::string, int> by_display_name;
  std::string token;
  int64_t stored = 0;
  do {
    std::string target = "/v1/partnerships?pageSize=1000&filter=lead_service%20%3D%20" +
                         std::string(kService);
    if (!token.empty()) target += "&pageToken=" + token;
    testing::HttpResponse page =
        RestWithRetry(port, "GET", target, "", stack.Auth(), std::chrono::seconds(30));
    registry::ListPartnershipsResponse listed;
    if (page.status != 200 || !FromJson(page.body, &listed)) {
      figures.Fail("listing the register: " + page.body.substr(0, 200));
      break;
    }
    for (const auto& p : listed.partnerships()) {
      ++by_display_name[p.display_name()];
      ++stored;
    }
    token = listed.next_page_token();
  } while (!token.empty());
  int64_t duplicates = 0, missing = 0, others = 0;
  for (int64_t k = 0; k < keys; ++k) {
    int times = by_display_name[absl::StrCat("Idem ", k)];
    if (times == 0) ++missing;
    if (times > 1) duplicates += times - 1;
    others += by_display_name[absl::StrCat("Other ", k)];
  }
  if (duplicates > 0) figures.Fail(absl::StrCat(duplicates, " duplicate partnerships"));
  if (missing > 0) figures.Fail(absl::StrCat(missing, " keys without a partnership"));
  if (others > 0) figures.Fail(absl::StrCat(others, " creates with a reused key were applied"));
  figures.Set("logical_creates", keys);
  figures.Set("sends_per_key", sends);
  figures.Set("retried_requests", keys * sends);
  figures.Set("kills", kills);
  figures.Set("failed_reopens", failed_reopens);
  figures.Set("partnerships_stored", stored);
  figures.Set("duplicates", duplicates);
  figures.Set("missing", missing);
  figures.Set("reused_key_applied", others);
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
