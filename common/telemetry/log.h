// JSON-lines logging to stderr, one object per line. Thread-safe.
//
//   Log("info", "listening", {{"port", "8080"}});
//   -> {"ts":"2026-11-22T01:02:03.456Z","level":"info","msg":"listening","port":"8080"}
#ifndef ACCORD_COMMON_TELEMETRY_LOG_H_
#define ACCORD_COMMON_TELEMETRY_LOG_H_

#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

namespace accord::telemetry {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Sets the "service" field written on every line. Call once from main(), first: it also
// turns off Abseil's mutex deadlock detection for the process (log.cc says why).
void SetLogService(std::string service);

void Log(absl::string_view level, absl::string_view message, const LogFields& fields = {});

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace accord::telemetry

#endif  // ACCORD_COMMON_TELEMETRY_LOG_H_
