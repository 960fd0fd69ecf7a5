// The real local stack for end-to-end tests: accord-registry and accord-gateway started as
// processes on kernel-picked ports, with their stores in a temporary folder.
#ifndef ACCORD_TESTS_INTEGRATION_STACK_H_
#define ACCORD_TESTS_INTEGRATION_STACK_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"

#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::testing {

// Waits until the service whose store is in each of `data_dirs` has applied every event of
// the feeds it follows (read from each store's status on its admin socket,
// `<data_dir>/admin.sock`), twice in a row with nothing new; false after `timeout_ms`.
bool WaitUntilFeedsSettled(const std::vector<std::string>& data_dirs, int timeout_ms);

// The latest feed sequence of each service whose store is in `data_dirs`, by service name;
// empty when one does not answer.
std::map<std::string, int64_t> LatestSequences(const std::vector<std::string>& data_dirs);

class Stack {
 public:
  struct Options {
    // Also start accord-review, following the register and assessment feeds.
    bool review = false;
    // Also start accord-integrations (merged feed, webhooks), following every feed, and
    // route the gateway to it. Extra flags for it come last.
    bool integrations = false;
    std::vector<std::string> integrations_flags;
    // Extra flags for accord-gateway (they come last, so they win).
    std::vector<std::string> gateway_flags;
  };

  // Starts every process; check ok() and error().
  Stack() : Stack(Options{}) {}
  explicit Stack(Options options);
  ~Stack();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  int gateway_http_port() const { return http_port_; }
  int gateway_grpc_port() const { return gateway_grpc_port_; }
  int registry_port() const { return registry_port_; }
  int assessment_port() const { return assessment_port_; }
  int review_port() const { return review_port_; }
  int risk_port() const { return risk_port_; }
  int integrations_port() const { return integrations_port_; }

  // Crash and restart one service on its store (on a new port: peers find it through its
  // port file). Returns false when it did not come back.
  bool KillAndRestartRegistry();
  bool KillAndRestartAssessment();
  bool KillAndRestartReview();
  bool KillAndRestartRisk();
  bool KillAndRestartIntegrations();

  // Waits until every running service has applied every event of the feeds it follows (read
  // from each store's status on its admin socket), twice in a row with nothing new; false
  // after `timeout_ms`.
  bool WaitUntilSettled(int timeout_ms = 20000) const;

  // The latest feed sequence of each running service, by service name.
  std::map<std::string, int64_t> LatestSequences() const;

  // SIGTERMs the gateway, then the registry; returns true when both exit 0 in time.
  bool StopGracefully();

  const TempDir& dir() const { return dir_; }

  // The gateway's API keys. The stack starts with one key of every scope that may act for
  // officers (created with accord-admin, as an operator would); tests send it by default.
  const std::string& api_key() const { return api_key_; }
  // {"authorization": "Bearer <key>"}, for `key` or the stack's own key when empty.
  std::map<std::string, std::string> Auth(const std::string& key = "") const;
  // Runs accord-admin against the running gateway ("keys list", say); returns its stdout,
  // or "" when it failed.
  std::string Admin(const std::string& args) const;
  // A new key for `client` with comma-separated `scopes`; "" on failure.
  std::string CreateKey(const std::string& client, const std::string& scopes,
                        bool acts_for_officers = false) const;
  // Puts `officer` in the gateway's officer directory with `roles` (comma-separated) and
  // `service`, creating or updating it through the REST API. False on failure.
  bool EnsureOfficer(const std::string& officer, const std::string& roles,
                     const std::string& service = "Policy");
  // A channel to the gateway's gRPC port that sends `key` (the stack's when empty).
  std::shared_ptr<grpc::Channel> GatewayChannel(const std::string& key = "") const;

 private:
  // The data folders of the running services (not the gateway's).
  std::vector<std::string> ServiceDirs() const;
  TempDir dir_;
  bool StartRegistry();
  bool StartAssessment();
  bool StartReview();
  bool StartRisk();
  bool StartIntegrations();

  std::unique_ptr<Process> registry_;
  std::unique_ptr<Process> assessment_;
  std::unique_ptr<Process> risk_;
  std::unique_ptr<Process> gateway_;
  std::unique_ptr<Process> review_;
  int review_port_ = 0;
  std::unique_ptr<Process> integrations_;
  std::vector<std::string> integrations_flags_;
  bool with_review_ = false;
  int integrations_port_ = 0;
  int registry_port_ = 0;
  int assessment_port_ = 0;
  int risk_port_ = 0;
  int http_port_ = 0;
  int gateway_grpc_port_ = 0;
  std::string error_;
  std::string api_key_;
  std::set<std::string> officers_;  // ensured so far
};

}  // namespace accord::testing

#endif  // ACCORD_TESTS_INTEGRATION_STACK_H_
