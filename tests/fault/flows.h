// Partnerships taken through their life cycle over the gateway by the fault scenarios, with
// every call retried (same idempotency key) across crashes; and reading a service's feed.
#ifndef ACCORD_TESTS_FAULT_FLOWS_H_
#define ACCORD_TESTS_FAULT_FLOWS_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "accord/events/v1/events.pb.h"
#include "accord/registry/v1/partnership.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/fault/fault_support.h"

namespace accord::fault {

// The lead service of the partnerships a Flow creates; its officers "feed-lead"
// (LEAD_OFFICER) and "feed-head" (HEAD_OF_SERVICE) must be in the directory.
inline constexpr char kFlowService[] = "Resilience";

class FaultStack;

// Starts `stack`, puts the Flow's officers in the gateway's directory and reads the default
// protocol into `protocol`; false with the failure recorded in `figures`.
bool StartForFlows(FaultStack& stack, Figures& figures, assessment::v1::Protocol* protocol);

std::shared_ptr<grpc::Channel> Channel(int port);

// Every event of one service's own feed, read page by page; empty on error.
template <typename Stub>
std::vector<events::v1::Event> ReadFeed(Stub& stub, bool* ok) {
  std::vector<events::v1::Event> all;
  events::v1::ListEventsRequest page;
  page.set_page_size(1000);
  *ok = true;
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    events::v1::ListEventsResponse response;
    grpc::Status status = stub.ListEvents(&ctx, page, &response);
    if (!status.ok()) {
      *ok = false;
      return all;
    }
    if (response.events().empty()) return all;
    for (const auto& e : response.events()) all.push_back(e);
    page.set_after_sequence(response.events().rbegin()->sequence());
  }
}

// A significance assessment's JSON body: `scores` as (question, score), with question 1
// and 2 as amounts when `with_amounts`.
std::string Answers(const std::vector<std::pair<int, int>>& scores, bool with_amounts);

class Flow {
 public:
  Flow(int port, std::map<std::string, std::string> auth, Figures* figures,
       const std::atomic<bool>* abandon)
      : port_(port), auth_(std::move(auth)), figures_(figures), abandon_(abandon) {}

  // One call retried with its idempotency key until it is answered for good; the body of a
  // 200, or nullopt (recorded as a failure) otherwise.
  std::optional<std::string> Call(const std::string& method, const std::string& target,
                                  const std::string& body, const std::string& key,
                                  const std::string& officer);
  // Polls the register until partnership `id` is in `state` (90 s; a failure otherwise).
  bool WaitForState(const std::string& id, registry::v1::State state);
  bool Create(const std::string& id);
  // Create, screen, score Limited, write the registration document, submit, sign off.
  bool Approve(const std::string& id, const assessment::v1::Protocol& protocol);
  // Create, score Limited, record a risk, score Major; the risk's name.
  std::optional<std::string> Escalate(const std::string& id);

 private:
  int port_;
  std::map<std::string, std::string> auth_;
  Figures* figures_;
  const std::atomic<bool>* abandon_;
};

}  // namespace accord::fault

#endif  // ACCORD_TESTS_FAULT_FLOWS_H_
