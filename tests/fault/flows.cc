#include "tests/fault/flows.h"

#include <thread>

#include "accord/assessment/v1/assessment.pb.h"
#include "accord/risk/v1/risk.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"
#include "tests/integration/bodies.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;
namespace assessment = accord::assessment::v1;
namespace risk = accord::risk::v1;
constexpr const char* kService = kFlowService;

}  // namespace

bool StartForFlows(FaultStack& stack, Figures& figures, assessment::Protocol* protocol) {
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return false;
  }
  const int port = stack.http_port();
  if (!EnsureOfficer(port, stack.Auth(), "feed-lead", "LEAD_OFFICER", kFlowService) ||
      !EnsureOfficer(port, stack.Auth(), "feed-head", "HEAD_OF_SERVICE", kFlowService)) {
    figures.Fail("could not put the officers in the directory");
    return false;
  }
  testing::HttpResponse read = RestWithRetry(port, "GET", "/v1/protocols/bolsover", "",
                                             stack.Auth(), std::chrono::seconds(20));
  if (read.status != 200 || !FromJson(read.body, protocol)) {
    figures.Fail("no Bolsover protocol: " + read.body.substr(0, 200));
    return false;
  }
  return true;
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

std::string Answers(const std::vector<std::pair<int, int>>& scores, bool with_amounts) {
  std::string json =
      with_amounts ? R"({"question":1,"amountPence":"100000"},{"question":2,"count":1})" : "";
  for (auto [question, score] : scores) {
    absl::StrAppend(&json, json.empty() ? "" : ",", R"({"question":)", question, R"(,"score":)",
                    score, "}");
  }
  return absl::StrCat(R"({"answers":[)", json, "]}");
}

// One call retried with its idempotency key until it is answered for good; the body of a
// 200, or nullopt (recorded as a failure) otherwise.
std::optional<std::string> Flow::Call(const std::string& method, const std::string& target,
                                      const std::string& body, const std::string& key,
                                      const std::string& officer) {
  std::map<std::string, std::string> headers = auth_;
  if (!officer.empty()) headers["x-accord-officer"] = officer;
  if (method == "POST") headers["idempotency-key"] = key;
  testing::HttpResponse answer =
      RestWithRetry(port_, method, target, body, headers, std::chrono::seconds(90), abandon_);
  if (answer.status == 200) return answer.body;
  figures_->Fail(
      absl::StrCat(method, " ", target, ": ", answer.status, " ", answer.body.substr(0, 300)));
  return std::nullopt;
}

bool Flow::WaitForState(const std::string& id, registry::State state) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    testing::HttpResponse read =
        testing::HttpCall(port_, "GET", "/v1/partnerships/" + id, "", auth_);
    registry::Partnership p;
    if (read.status == 200 && FromJson(read.body, &p) && p.state() == state) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  figures_->Fail(absl::StrCat(id, " never reached ", registry::State_Name(state)));
  return false;
}

bool Flow::Create(const std::string& id) {
  return Call("POST",
              absl::StrCat("/v1/partnerships?partnershipId=", id, "&requestId=", id, "-create"),
              absl::StrCat(R"({"displayName":"Feed )", id, R"(","leadService":")", kService,
                           R"(","councilContribution":{"moneyPence":"10000"}})"),
              "", "")
      .has_value();
}

bool Flow::Approve(const std::string& id, const assessment::Protocol& protocol) {
  if (!Create(id)) return false;
  const std::string parent = "/v1/partnerships/" + id;
  if (!Call("POST", parent + "/screenings",
            R"({"outcome":"IS_PARTNERSHIP","justification":"joint delivery"})", id + "-screen",
            "feed-lead")) {
    return false;
  }
  if (!Call("POST", parent + "/assessments",
            Answers({{3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}}, true), id + "-assess", "feed-lead")) {
    return false;
  }
  if (!WaitForState(id, registry::ASSESSED)) return false;
  auto created = Call("POST", parent + "/evaluations", "{}", id + "-evaluation", "feed-lead");
  assessment::Evaluation evaluation;
  if (!created || !FromJson(*created, &evaluation)) return false;
  std::string body = testing::CompleteEvaluationBody(protocol);
  if (!Call("PATCH",
            absl::StrCat("/v1/", evaluation.name(),
                         "?updateMask=sections,governanceChecklist&requestId=", id, "-fill"),
            body, "", "feed-lead")) {
    return false;
  }
  if (!Call("POST", absl::StrCat("/v1/", evaluation.name(), ":submit"), "{}", id + "-submit",
            "feed-lead")) {
    return false;
  }
  auto signed_off = Call("POST", absl::StrCat("/v1/", evaluation.name(), ":signOff"),
                         R"({"role":"HEAD_OF_SERVICE"})", id + "-sign", "feed-head");
  if (!signed_off || !FromJson(*signed_off, &evaluation)) return false;
  if (evaluation.state() != assessment::Evaluation::APPROVED) {
    figures_->Fail(id + ": the sign-off did not approve: " + signed_off->substr(0, 200));
    return false;
  }
  return true;
}

std::optional<std::string> Flow::Escalate(const std::string& id) {
  if (!Create(id)) return std::nullopt;
  const std::string parent = "/v1/partnerships/" + id;
  if (!Call("POST", parent + "/screenings",
            R"({"outcome":"IS_PARTNERSHIP","justification":"joint delivery"})", id + "-screen",
            "feed-lead")) {
    return std::nullopt;
  }
  if (!Call("POST", parent + "/assessments", Answers({{4, 1}, {5, 1}, {6, 1}, {7, 1}}, false),
            id + "-limited", "feed-lead")) {
    return std::nullopt;
  }
  if (!WaitForState(id, registry::ASSESSED)) return std::nullopt;
  auto created = Call("POST", parent + "/risks", R"({"title":"Partner withdraws funding",
      "riskTo":"BOTH","category":"PARTNER_FAILURE_TO_PERFORM","owner":"Head of Finance",
      "inherent":{"impact":4,"likelihood":4},"residual":{"impact":3,"likelihood":2},
      "reviewDate":"2027-03-31"})",
                      id + "-risk", "feed-lead");
  risk::Risk r;
  if (!created || !FromJson(*created, &r)) return std::nullopt;
  if (!Call("POST", parent + "/assessments", Answers({{4, 5}, {5, 5}, {6, 5}, {7, 5}}, false),
            id + "-major", "feed-lead")) {
    return std::nullopt;
  }
  return r.name();
}

}  // namespace accord::fault
