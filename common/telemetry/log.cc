#include "common/telemetry/log.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace accord::telemetry {
namespace {
std::string& ServiceName() {
  static std::string name;
  return name;
}
}  // namespace

void SetLogService(std::string service) {
  ServiceName() = std::move(service);
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock detection on:
  // every lock and every mutex's destruction then updates a process-wide lock-order graph
  // under a global lock. gRPC's own mutexes are absl::Mutex too, so each call paid for it
  // several times (3-5% of a service's CPU in the bench, docs/performance.md). Tests, which
  // do not call this, keep the checks.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

void Log(absl::string_view level, absl::string_view message, const LogFields& fields) {
  std::string line = absl::StrCat(
      "{\"ts\":", JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                              absl::UTCTimeZone())),
      ",\"level\":", JsonQuote(level));
  if (!ServiceName().empty()) absl::StrAppend(&line, ",\"service\":", JsonQuote(ServiceName()));
  absl::StrAppend(&line, ",\"msg\":", JsonQuote(message));
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, ",", JsonQuote(key), ":", JsonQuote(value));
  }
  line += "}\n";
  // One fwrite per line: stdio locks the stream, so lines from threads never interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace accord::telemetry
