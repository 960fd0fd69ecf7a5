// Request ids (AIP-155): a client-chosen id that makes a retried write happen once.
#ifndef ACCORD_COMMON_API_REQUEST_ID_H_
#define ACCORD_COMMON_API_REQUEST_ID_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace accord::api {

// Empty, or 1 to 128 printable ASCII characters (a UUID fits). INVALID_ARGUMENT naming
// "request_id" otherwise.
absl::Status ValidateRequestId(absl::string_view request_id);

// A fingerprint of `request` without its `request_id` field, so that a repeat of the same
// request matches and a different request under a reused id does not.
uint64_t RequestFingerprint(const google::protobuf::Message& request);

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_REQUEST_ID_H_
