// Scenario 4: conflicting updates. Each round reads one partnership's etag, then several
// clients update it at the same moment with that etag, half over REST (409 expected for the
// losers) and half over the gateway's gRPC port (ABORTED). Exactly one must win each round,
// the stored value must be the winner's, and the register's feed must hold exactly one
// update per round: no lost and no doubled update.
#include <latch>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;

}  // namespace

void ConflictingUpdates(Params& params, Figures& figures) {
  const int64_t rounds = params.Int("rounds", 150, 1000);
  const int64_t contenders = params.Int("contenders", 4, 4);

  FaultStack stack({.review = false, .integrations = false});
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return;
  }
  const int port = stack.http_port();
  const std::string id = "contended";
  testing::HttpResponse created = RestWithRetry(
      port, "POST", "/v1/partnerships?partnershipId=" + id,
      R"({"displayName":"Contended","leadService":"Races","remit":"start"})", stack.Auth(),
      std::chrono::seconds(20));
  if (created.status != 200) {
    figures.Fail("create: " + created.body);
    return;
  }
  auto gateway = registry::RegistryService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", stack.port("gateway")), grpc::InsecureChannelCredentials()));

  int64_t wins = 0, conflicts = 0, unexpected = 0, lost = 0, rounds_without_one_winner = 0;
  for (int64_t round = 0; round < rounds; ++round) {
    testing::HttpResponse read = testing::HttpCall(port, "GET", "/v1/partnerships/" + id, "",
                                                   stack.Auth());
    registry::Partnership before;
    if (read.status != 200 || !FromJson(read.body, &before)) {
      figures.Fail("read: " + read.body.substr(0, 200));
      return;
    }
    std::vector<int> outcome(contenders, 0);  // 1 won, 2 conflict, 3 other
    std::vector<std::string> values(contenders), errors(contenders);
    std::latch ready(contenders);
    std::vector<std::thread> threads;
    for (int c = 0; c < contenders; ++c) {
      values[c] = absl::StrCat("round ", round, " by ", c);
      threads.emplace_back([&, c] {
        ready.arrive_and_wait();
        if (c % 2 == 0) {
          testing::HttpResponse answer = testing::HttpCall(
              port, "PATCH",
              absl::StrCat("/v1/partnerships/", id, "?updateMask=remit&etag=", before.etag()),
              absl::StrCat(R"({"remit":")", values[c], R"("})"), stack.Auth());
          outcome[c] = answer.status == 200 ? 1 : answer.status == 409 ? 2 : 3;
          if (outcome[c] == 3) errors[c] = absl::StrCat("REST ", answer.status, " ", answer.body);
        } else {
          registry::UpdatePartnershipRequest update;
          update.mutable_partnership()->set_name("partnerships/" + id);
          update.mutable_partnership()->set_remit(values[c]);
          update.mutable_update_mask()->add_paths("remit");
          update.set_etag(before.etag());
          grpc::ClientContext ctx;
          ctx.AddMetadata("authorization", "Bearer " + stack.api_key());
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          registry::Partnership out;
          grpc::Status status = gateway->UpdatePartnership(&ctx, update, &out);
          outcome[c] = status.ok() ? 1 : status.error_code() == grpc::StatusCode::ABORTED ? 2 : 3;
          if (outcome[c] == 3) {
            errors[c] = absl::StrCat("gRPC ", status.error_code(), " ", status.error_message());
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    int round_wins = 0;
    std::string winner;
    for (int c = 0; c < contenders; ++c) {
      if (outcome[c] == 1) {
        ++round_wins;
        winner = values[c];
      }
      if (outcome[c] == 2) ++conflicts;
      if (outcome[c] == 3) {
        ++unexpected;
        figures.Fail(absl::StrCat("round ", round, ": ", errors[c].substr(0, 200)));
      }
    }
    wins += round_wins;
    if (round_wins != 1) {
      ++rounds_without_one_winner;
      figures.Fail(absl::StrCat("round ", round, " had ", round_wins, " winners"));
      continue;
    }
    testing::HttpResponse after_read = testing::HttpCall(port, "GET", "/v1/partnerships/" + id,
                                                         "", stack.Auth());
    registry::Partnership after;
    FromJson(after_read.body, &after);
    if (after.remit() != winner) {
      ++lost;
      figures.Fail(absl::StrCat("round ", round, ": stored '", after.remit(), "', winner '",
                                winner, "'"));
    }
  }

  // The register's feed: one UPDATED event per round for the partnership.
  auto direct = registry::RegistryService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", stack.port("registry")), grpc::InsecureChannelCredentials()));
  int64_t updates_in_feed = 0;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  while (true) {
    grpc::ClientContext ctx;
    events::v1::ListEventsResponse response;
    if (!direct->ListEvents(&ctx, page, &response).ok() || response.events().empty()) break;
    for (const auto& e : response.events()) {
      if (e.resource_name() == "partnerships/" + id && e.kind() == events::v1::UPDATED) {
        ++updates_in_feed;
      }
    }
    page.set_after_sequence(response.events().rbegin()->sequence());
  }
  if (updates_in_feed != wins) {
    figures.Fail(absl::StrCat(updates_in_feed, " updates in the feed for ", wins, " wins"));
  }
  figures.Set("rounds", rounds);
  figures.Set("contenders_per_round", contenders);
  figures.Set("updates_sent", rounds * contenders);
  figures.Set("wins", wins);
  figures.Set("conflicts_409_or_aborted", conflicts);
  figures.Set("other_outcomes", unexpected);
  figures.Set("rounds_without_exactly_one_winner", rounds_without_one_winner);
  figures.Set("lost_updates", lost);
  figures.Set("updates_in_feed", updates_in_feed);
  if (!stack.StopAll()) figures.Fail("graceful stop at the end: " + stack.error());
}

}  // namespace accord::fault
