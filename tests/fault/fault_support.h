// What every fault scenario shares: its parameters, the figures it prints, REST calls
// through the gateway with retries, and small JSON helpers.
#ifndef ACCORD_TESTS_FAULT_FAULT_SUPPORT_H_
#define ACCORD_TESTS_FAULT_FAULT_SUPPORT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "google/protobuf/message.h"
#include "tests/integration/http_client.h"

namespace accord::fault {

// A scenario's parameters: defaults per mode, overridden by --name=value on the command line.
class Params {
 public:
  Params(bool long_mode, std::map<std::string, std::string> overrides)
      : long_mode_(long_mode), overrides_(std::move(overrides)) {}
  bool long_mode() const { return long_mode_; }
  // `short_value` in the short mode, `long_value` in the long one, unless overridden.
  int64_t Int(const std::string& name, int64_t short_value, int64_t long_value);
  // Every parameter asked for so far, for the report.
  const std::vector<std::pair<std::string, std::string>>& used() const { return used_; }

 private:
  bool long_mode_;
  std::map<std::string, std::string> overrides_;
  std::vector<std::pair<std::string, std::string>> used_;
};

// The outcome of a scenario: named figures in order, failed checks, or a reason to skip.
// Thread-safe.
class Figures {
 public:
  void Set(const std::string& name, const std::string& value);
  void Set(const std::string& name, int64_t value) { Set(name, std::to_string(value)); }
  // Records a failed check (the scenario fails); keeps the first few messages.
  void Fail(const std::string& message);
  // Adds 1 to a counter figure.
  void Count(const std::string& name, int64_t by = 1);
  void Skip(const std::string& reason);
  // A note printed with the figures (an observation that is not a failure).
  void Note(const std::string& note);

  bool failed() const;
  bool skipped() const;
  // Prints "FIGURE <scenario> <name>=<value>" lines, notes, failures and the verdict;
  // returns the exit code: 0 pass, 1 fail, 77 skipped.
  int Print(const std::string& scenario, const Params& params, double seconds) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::map<std::string, int64_t> counters_;
  std::vector<std::string> counter_order_;
  std::vector<std::string> failures_;
  int64_t failure_count_ = 0;
  std::vector<std::string> notes_;
  std::string skip_reason_;
};

// A webhook receiver on a kernel-chosen loopback port: answers 200 to every POST, after
// `answer_delay` (which widens the window in which a sender killed mid-delivery has posted
// but not yet recorded the outcome), and keeps each one's Accord-Delivery header and body.
// Thread-safe.
class WebhookReceiver {
 public:
  struct Delivery {
    std::string id;  // the Accord-Delivery header: "subscriptions/{s}/changes/{sequence}"
    std::string body;
  };
  explicit WebhookReceiver(std::chrono::milliseconds answer_delay = {});
  ~WebhookReceiver();
  int port() const { return port_; }
  int64_t count() const;
  std::vector<Delivery> deliveries() const;

 private:
  void Serve();
  const std::chrono::milliseconds answer_delay_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Delivery> deliveries_;
  std::thread thread_;
};

// A REST call to the gateway on `port`.
testing::HttpResponse Rest(int port, const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::map<std::string, std::string>& headers);

// Repeats the same call (same request id / Idempotency-Key, which the caller put in target
// or headers) while the answer is a failure the stack may recover from (no connection, 5xx,
// 429), until `accept` says the answer is final or `timeout` passes. Returns the last answer.
testing::HttpResponse RestWithRetry(
    int port, const std::string& method, const std::string& target, const std::string& body,
    const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout,
    const std::atomic<bool>* abandon = nullptr, int* attempts = nullptr);

bool Retryable(int http_status);

// Parses proto3 JSON into `message` (unknown fields ignored); false on a parse error.
bool FromJson(const std::string& json, google::protobuf::Message* message);

// Text a client must never see in an error: file paths, RocksDB or gRPC internals, source
// locations, addresses of internal processes. Returns what matched, or "" when clean.
std::string LeakedInternals(const std::string& text, const std::vector<std::string>& secrets);

// A per-thread random generator seeded from `seed` and the thread's index.
std::mt19937_64& Random();
void SeedRandom(uint64_t seed);
int64_t Uniform(int64_t low, int64_t high);  // inclusive

double SecondsSince(std::chrono::steady_clock::time_point start);

}  // namespace accord::fault

#endif  // ACCORD_TESTS_FAULT_FAULT_SUPPORT_H_
