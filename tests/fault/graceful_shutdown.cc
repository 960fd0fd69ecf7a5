// Scenario 5: graceful shutdown. Clients create partnerships through the gateway without
// pause while the register or the gateway (in turn) gets SIGTERM, drains and is started
// again. A call counts as accepted when its write took effect; none of those may have
// failed from the client's side (a refusal while the process is down — 503, or no
// connection — is fine, a write that happened but was answered with an error is not).
// Every process must exit 0 within its grace period.
#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

struct Call {
  std::string id;
  int status = 0;
  std::string body;
};

}  // namespace

void GracefulShutdown(Params& params, Figures& figures) {
  const int64_t cycles = params.Int("cycles", 10, 100);
  const int64_t clients = params.Int("clients", 4, 4);
  const int64_t grace_ms = params.Int("grace_ms", 3000, 3000);
  const int64_t slack_ms = params.Int("exit_slack_ms", 1500, 1500);
  const int64_t load_ms = params.Int("load_ms", 400, 400);

  FaultStack stack({.review = false, .integrations = false, .grace_ms = static_cast<int>(grace_ms)});
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return;
  }
  const int port = stack.http_port();
  std::atomic<bool> stop{false};
  std::vector<std::vector<Call>> calls(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int n = 0; !stop.load(); ++n) {
        Call call;
        call.id = absl::StrCat("g-", c, "-", n);
        testing::HttpResponse answer = testing::HttpCall(
            port, "POST", "/v1/partnerships?partnershipId=" + call.id,
            absl::StrCat(R"({"displayName":"Drain )", call.id, R"(","leadService":"Drain"})"),
            stack.Auth());
        call.status = answer.status;
        if (answer.status != 200) call.body = answer.body.substr(0, 300);
        calls[c].push_back(std::move(call));
        // While the target is down, do not spin.
        if (answer.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  int64_t slow_exits = 0, bad_exit_codes = 0, failed_restarts = 0;
  std::map<std::string, std::vector<int64_t>> exit_ms_by_target;  // one entry per stop
  for (int64_t cycle = 0; cycle < cycles; ++cycle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(load_ms));
    std::string target = cycle % 2 == 0 ? "registry" : "gateway";
    auto begin = std::chrono::steady_clock::now();
    int code = stack.Terminate(target, static_cast<int>(grace_ms + 10000));
    int64_t exit_ms = static_cast<int64_t>(SecondsSince(begin) * 1000);
    exit_ms_by_target[target].push_back(exit_ms);
    if (code != 0) {
      ++bad_exit_codes;
      figures.Fail(absl::StrCat(target, " exited with ", code, " on SIGTERM; log ends: ",
                                testing::Tail(stack.log_path(target), 600)));
    }
    if (exit_ms > grace_ms + slack_ms) {
      ++slow_exits;
      figures.Fail(absl::StrCat(target, " took ", exit_ms, " ms to exit"));
    }
    if (!stack.StartProcess(target)) {
      ++failed_restarts;
      figures.Fail("restart of " + target + ": " + stack.error().substr(0, 400));
      if (!stack.StartProcess(target)) break;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(load_ms));
  stop = true;
  for (auto& t : threads) t.join();

  int64_t total = 0, acknowledged = 0, refused = 0, accepted_failed = 0, lost = 0;
  std::map<int, int64_t> failures_by_status;
  for (const auto& client : calls) {
    for (const Call& call : client) {
      ++total;
      testing::HttpResponse read = RestWithRetry(port, "GET", "/v1/partnerships/" + call.id, "",
                                                 stack.Auth(), std::chrono::seconds(30));
      bool exists = read.status == 200;
      if (read.status != 200 && read.status != 404) {
        figures.Fail(absl::StrCat("cannot read ", call.id, ": ", read.status));
        continue;
      }
      if (call.status == 200) {
        ++acknowledged;
        if (!exists) {
          ++lost;
          figures.Fail(call.id + " acknowledged but missing");
        }
        continue;
      }
      ++failures_by_status[call.status];
      if (exists) {
        ++accepted_failed;
        figures.Fail(absl::StrCat(call.id, " was written but answered ", call.status, ": ",
                                  call.body));
      } else {
        ++refused;
        if (call.status != 503 && call.status != 0) {
          figures.Note(absl::StrCat("refusal with HTTP ", call.status, ": ", call.body));
        }
      }
    }
  }
  std::string statuses;
  for (const auto& [status, count] : failures_by_status) {
    absl::StrAppend(&statuses, status == 0 ? "no-connection" : std::to_string(status), ":",
                    count, " ");
  }
  std::string per_target, maxima, medians;
  int64_t max_exit_ms = 0;
  for (auto& [name, times] : exit_ms_by_target) {
    std::sort(times.begin(), times.end());
    max_exit_ms = std::max(max_exit_ms, times.back());
    absl::StrAppend(&per_target, name, ":", times.size(), " ");
    absl::StrAppend(&maxima, name, ":", times.back(), " ");
    absl::StrAppend(&medians, name, ":", times[times.size() / 2], " ");
  }
  figures.Set("sigterm_cycles", cycles);
  figures.Set("stops_per_process", per_target);
  figures.Set("calls", total);
  figures.Set("acknowledged", acknowledged);
  figures.Set("refused_while_stopping_or_down", refused);
  figures.Set("refusals_by_status", statuses.empty() ? "none" : statuses);
  figures.Set("accepted_calls_failed", accepted_failed);
  figures.Set("lost", lost);
  figures.Set("grace_ms", grace_ms);
  figures.Set("max_exit_ms", max_exit_ms);
  figures.Set("max_exit_ms_per_process", maxima);
  figures.Set("median_exit_ms_per_process", medians);
  figures.Set("exits_over_grace", slow_exits);
  figures.Set("nonzero_exit_codes", bad_exit_codes);
  figures.Set("failed_restarts", failed_restarts);
  if (acknowledged < cycles) figures.Fail("too few acknowledged calls to prove anything");
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
