// The real local stack for end-to-end tests: accord-registry and accord-gateway started as
// processes on kernel-picked ports, with their stores in a temporary folder.
#ifndef ACCORD_TESTS_INTEGRATION_STACK_H_
#define ACCORD_TESTS_INTEGRATION_STACK_H_

#include <memory>
#include <string>

#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::testing {

class Stack {
 public:
  // Starts every process; check ok() and error().
  Stack();
  ~Stack();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  int gateway_http_port() const { return http_port_; }
  int gateway_grpc_port() const { return gateway_grpc_port_; }
  int registry_port() const { return registry_port_; }
  int assessment_port() const { return assessment_port_; }
  int risk_port() const { return risk_port_; }

  // Crash and restart one service on its store (on a new port: peers find it through its
  // port file). Returns false when it did not come back.
  bool KillAndRestartRegistry();
  bool KillAndRestartAssessment();
  bool KillAndRestartRisk();

  // SIGTERMs the gateway, then the registry; returns true when both exit 0 in time.
  bool StopGracefully();

  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  bool StartRegistry();
  bool StartAssessment();
  bool StartRisk();

  std::unique_ptr<Process> registry_;
  std::unique_ptr<Process> assessment_;
  std::unique_ptr<Process> risk_;
  std::unique_ptr<Process> gateway_;
  int registry_port_ = 0;
  int assessment_port_ = 0;
  int risk_port_ = 0;
  int http_port_ = 0;
  int gateway_grpc_port_ = 0;
  std::string error_;
};

}  // namespace accord::testing

#endif  // ACCORD_TESTS_INTEGRATION_STACK_H_
