// Real processes for integration tests: start a binary with flags, learn the port it picked
// from its port file, and stop it by PID (SIGTERM, or SIGKILL to simulate a crash).
#ifndef ACCORD_TESTS_INTEGRATION_PROCESS_H_
#define ACCORD_TESTS_INTEGRATION_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace accord::testing {

class Process {
 public:
  // Starts `binary` with `args`; its stderr goes to `log_path`.
  Process(std::string binary, std::vector<std::string> args, std::string log_path);
  ~Process();  // SIGKILLs the process if it still runs

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();

  // Sends SIGTERM and waits up to `timeout_ms`; returns the exit code, or -1 on time-out
  // (then the process is killed) or when it died of a signal.
  int Terminate(int timeout_ms = 15000);
  // SIGKILL and reap: a crash.
  void Kill();

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

// Waits up to `timeout_ms` for `path` to hold a port number; 0 on time-out.
int WaitForPortFile(const std::string& path, int timeout_ms = 20000);

// What a shell command printed on stdout, and its exit code (-1 when it did not exit).
struct CommandResult {
  int code = -1;
  std::string out;
};
CommandResult RunCommand(const std::string& command);

// The last `bytes` of a log file, for failure messages.
std::string Tail(const std::string& path, size_t bytes = 2000);

}  // namespace accord::testing

#endif  // ACCORD_TESTS_INTEGRATION_PROCESS_H_
