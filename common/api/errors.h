// Errors as the API shows them (AIP-193).
//
// Domain and store code build absl::Status values with the factories below; they carry a
// machine-readable reason and, for bad input, the offending field as payloads. Only the gRPC
// adapter turns them into grpc::Status (ToGrpcStatus), and only the gateway turns those into
// HTTP (see gateway/). Every message a user sees names the field and the rule.
#ifndef ACCORD_COMMON_API_ERRORS_H_
#define ACCORD_COMMON_API_ERRORS_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace accord::api {

// The ErrorInfo.domain of every Accord error.
inline constexpr absl::string_view kErrorDomain = "accord.council.gov.uk";

struct FieldViolation {
  std::string field;        // path in the request, for example "partnership.display_name"
  std::string description;  // the rule broken, for example "is required"
};

// INVALID_ARGUMENT with one field violation. Message: "<field>: <description>".
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// INVALID_ARGUMENT listing every violation; the message joins them with "; ".
// Requires a non-empty list.
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// A status of `code` whose ErrorInfo.reason is `reason` (UPPER_SNAKE_CASE).
absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message);

// `status` carrying a google.rpc.RetryInfo detail: the client may retry after `delay`
// (rate limits).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The RetryInfo delay of `status`, or zero when it has none.
absl::Duration RetryDelayOf(const absl::Status& status);

// `status` with `prefix` put before every field it names, in the message and the
// violations: PrefixFields(InvalidField("answers[0].score", ...), "assessment.") names
// "assessment.answers[0].score". Other statuses pass through unchanged.
absl::Status PrefixFields(const absl::Status& status, absl::string_view prefix);

// The ErrorInfo reason of a status built here, or the code's name otherwise.
std::string ReasonOf(const absl::Status& status);

// google.rpc.Status for `status`: code, message, ErrorInfo (reason, domain) and, where the
// status names fields, BadRequest.field_violations.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// grpc::Status carrying ToRpcStatus(status) in its binary error details.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The absl status of a grpc::Status, keeping the details' reason and field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_ERRORS_H_
