// Request ids tie one user action together across the gateway's and backends' logs.
#ifndef ACCORD_GATEWAY_REQUEST_ID_H_
#define ACCORD_GATEWAY_REQUEST_ID_H_

#include <string>
#include "absl/strings/string_view.h"

namespace accord::gateway {

inline constexpr absl::string_view kRequestIdHeader = "x-request-id";

// A random UUID (version 4) in its usual text form. Thread-safe.
std::string NewRequestId();

// `given` when it is a usable id (1 to 128 printable ASCII characters), else a new one:
// the id is copied into logs and headers, so it must not smuggle in control characters.
std::string RequestIdOrNew(absl::string_view given);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_REQUEST_ID_H_
