// Prometheus metrics in the text exposition format, without a client library (Debian 12
// ships no prometheus-cpp). Per call: a counter by method and code, and a latency histogram
// by method. Thread-safe; recording takes a short mutex per call.
#ifndef ACCORD_COMMON_TELEMETRY_METRICS_H_
#define ACCORD_COMMON_TELEMETRY_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace accord::telemetry {

class Metrics {
 public:
  // The process-wide registry.
  static Metrics& Global();

  // One finished call: `method` such as "/accord.registry.v1.RegistryService/GetPartnership",
  // `code` such as "OK" or "NOT_FOUND".
  void RecordCall(const std::string& method, const std::string& code, double seconds);

  // Sets a gauge, for example the feed's latest sequence.
  void SetGauge(const std::string& name, double value);

  // Everything recorded so far, as Prometheus text.
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, double> gauges_ ABSL_GUARDED_BY(mu_);
};

// Serves GET /metrics (Metrics::Global) and GET /healthz on its own thread, for processes
// whose main port speaks only gRPC. Port 0 lets the kernel pick; port() tells which.
class MetricsHttpServer {
 public:
  // Returns nullptr and logs when the port cannot be bound.
  static std::unique_ptr<MetricsHttpServer> Start(const std::string& host, int port);
  ~MetricsHttpServer();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace accord::telemetry

#endif  // ACCORD_COMMON_TELEMETRY_METRICS_H_
