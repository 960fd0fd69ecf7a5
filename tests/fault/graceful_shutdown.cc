// Scenario 5: graceful shutdown. Clients create partnerships through the gateway without
// pause, half over REST and half over its gRPC port, while the register or the gateway (in
// turn) gets SIGTERM, drains and is started again. A call counts as accepted when its write
// took effect; none of those may have failed from the client's side (a refusal while the
// process is down — 503 or UNAVAILABLE, or no connection — is fine, a write that happened
// but was answered with an error is not). Every process must exit 0 within its grace
// period.
#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;

struct Call {
  std::string id;
  bool ok = false;
  std::string outcome;  // "HTTP 503", "gRPC 14", "HTTP no-connection"
  std::string body;
};

// One create over REST.
Call CreateOverRest(int port, const FaultStack& stack, std::string id) {
  Call call{.id = std::move(id)};
  testing::HttpResponse answer = testing::HttpCall(
      port, "POST", "/v1/partnerships?partnershipId=" + call.id,
      absl::StrCat(R"({"displayName":"Drain )", call.id, R"(","leadService":"Drain"})"),
      stack.Auth());
  call.ok = answer.status == 200;
  call.outcome = answer.status == 0 ? "HTTP no-connection" : absl::StrCat("HTTP ", answer.status);
  if (!call.ok) call.body = answer.body.substr(0, 300);
  return call;
}

// The same create over the gateway's gRPC port.
Call CreateOverGrpc(registry::RegistryService::Stub& gateway, const FaultStack& stack,
                    std::string id) {
  Call call{.id = std::move(id)};
  registry::CreatePartnershipRequest request;
  request.set_partnership_id(call.id);
  request.mutable_partnership()->set_display_name("Drain " + call.id);
  request.mutable_partnership()->set_lead_service("Drain");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + stack.api_key());
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  registry::Partnership created;
  grpc::Status status = gateway.CreatePartnership(&ctx, request, &created);
  call.ok = status.ok();
  call.outcome = absl::StrCat("gRPC ", static_cast<int>(status.error_code()));
  if (!call.ok) call.body = status.error_message().substr(0, 300);
  return call;
}

bool IsRefusal(const std::string& outcome) {
  return outcome == "HTTP 503" || outcome == "HTTP no-connection" ||
         outcome == absl::StrCat("gRPC ", static_cast<int>(grpc::StatusCode::UNAVAILABLE));
}

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
  // Reconnects soon after the gateway is back, rather than after gRPC's default 1 s+ backoff.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  auto gateway = registry::RegistryService::NewStub(grpc::CreateCustomChannel(
      absl::StrCat("127.0.0.1:", stack.port("gateway")), grpc::InsecureChannelCredentials(),
      args));
  std::atomic<bool> stop{false};
  std::vector<std::vector<Call>> calls(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      for (int n = 0; !stop.load(); ++n) {
        std::string id = absl::StrCat("g-", c, "-", n);
        Call call = c % 2 == 0 ? CreateOverRest(port, stack, std::move(id))
                               : CreateOverGrpc(*gateway, stack, std::move(id));
        bool ok = call.ok;
        calls[c].push_back(std::move(call));
        // While the target is down, do not spin.
        if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(5));
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
  std::map<std::string, int64_t> failures_by_outcome, acknowledged_by_transport;
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
      if (call.ok) {
        ++acknowledged;
        ++acknowledged_by_transport[call.outcome.substr(0, call.outcome.find(' '))];
        if (!exists) {
          ++lost;
          figures.Fail(call.id + " acknowledged but missing");
        }
        continue;
      }
      ++failures_by_outcome[call.outcome];
      if (exists) {
        ++accepted_failed;
        figures.Fail(absl::StrCat(call.id, " was written but answered ", call.outcome, ": ",
                                  call.body));
      } else {
        ++refused;
        if (!IsRefusal(call.outcome)) {
          figures.Note(absl::StrCat("refusal with ", call.outcome, ": ", call.body));
        }
      }
    }
  }
  auto list = [](const std::map<std::string, int64_t>& counts) {
    std::string out;
    for (const auto& [name, count] : counts) absl::StrAppend(&out, name, ":", count, " ");
    return out.empty() ? std::string("none") : out;
  };
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
  figures.Set("acknowledged_by_transport", list(acknowledged_by_transport));
  figures.Set("refused_while_stopping_or_down", refused);
  figures.Set("refusals_by_outcome", list(failures_by_outcome));
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
  if (acknowledged_by_transport.size() < 2) {
    figures.Fail("both transports must have acknowledged calls: " +
                 list(acknowledged_by_transport));
  }
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
