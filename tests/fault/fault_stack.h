// The whole local stack for the fault suite: accord-registry, -assessment, -risk, -review,
// -integrations and -gateway as real processes with their stores in one temporary folder,
// any of which can be crashed (SIGKILL), stopped (SIGTERM) and started again by name.
//
// Every process first listens on a port the kernel picks (port 0 and a port file); a
// restart asks for the same port again, because the gateway is given its backends as
// host:port (services find each other through port files and would not need this).
// Not thread-safe: one driver thread starts and stops processes.
#ifndef ACCORD_TESTS_FAULT_FAULT_STACK_H_
#define ACCORD_TESTS_FAULT_FAULT_STACK_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::fault {

class FaultStack {
 public:
  struct Options {
    bool review = true;
    bool integrations = true;
    int grace_ms = 5000;
    // Extra flags per process name ("gateway", "integrations", ...), appended last.
    std::map<std::string, std::vector<std::string>> extra_flags = {};
    // Where each process keeps its store: `<data_root>/<name>`; the temp folder when empty.
    std::map<std::string, std::string> data_dirs = {};
  };

  explicit FaultStack(Options options);
  ~FaultStack();  // SIGKILLs whatever still runs

  // Starts every process in dependency order and creates the API key; false with error().
  bool Start();
  const std::string& error() const { return error_; }

  // Process names in start order: registry, assessment, risk, [review], [integrations],
  // gateway.
  const std::vector<std::string>& names() const { return names_; }
  // The backend services only (every name but "gateway").
  std::vector<std::string> services() const;

  // SIGKILL (a crash); the store is left as the crash left it.
  void Kill(const std::string& name);
  // Starts `name` again on its store and port; false (with error()) when it does not come
  // up within `timeout_ms` (a failed reopen).
  bool StartProcess(const std::string& name, int timeout_ms = 20000);
  // SIGTERM and wait; the exit code, or -1 on time-out or death by signal.
  int Terminate(const std::string& name, int timeout_ms = 30000);
  bool Running(const std::string& name);
  pid_t Pid(const std::string& name);

  // SIGTERMs everything, gateway first; true when all exit 0.
  bool StopAll();

  int port(const std::string& name) const;  // gRPC port
  int http_port() const { return http_port_; }
  const std::string& root() const { return dir_.path(); }
  std::string log_path(const std::string& name) const { return root() + "/" + name + ".log"; }
  std::string data_dir(const std::string& name) const;
  const std::string& api_key() const { return api_key_; }
  // {"authorization": "Bearer <api_key>"}.
  std::map<std::string, std::string> Auth() const;

  // Runs accord-admin against the gateway; stdout, or "" on failure.
  std::string Admin(const std::string& args) const;
  std::string CreateKey(const std::string& client, const std::string& scopes,
                        bool acts_for_officers) const;

 private:
  std::vector<std::string> ArgsFor(const std::string& name);

  testing::TempDir dir_;
  Options options_;
  std::vector<std::string> names_;
  std::map<std::string, std::unique_ptr<testing::Process>> processes_;
  std::map<std::string, int> ports_;  // chosen on first start, asked for again on restart
  int http_port_ = 0;
  std::string api_key_;
  std::string error_;
};

// The binary of a process ("registry", ..., "gateway", "admin"): the one the build made, or
// the same file name under $ACCORD_FAULT_BIN_DIR when set (run.sh copies the binaries there
// so that a rebuild during a long run does not pull them away).
std::string BinaryPath(const std::string& name);

// The scopes of a key that may do everything the fault suite does.
extern const char kAllScopes[];

}  // namespace accord::fault

#endif  // ACCORD_TESTS_FAULT_FAULT_STACK_H_
