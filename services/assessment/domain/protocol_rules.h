// A council's governance protocol (DOMAIN.md section 1) as data: reading one from protobuf
// text format and checking that it is internally consistent before anything is scored
// against it. Pure functions except LoadProtocolFile, which only reads a file.
#ifndef ACCORD_SERVICES_ASSESSMENT_DOMAIN_PROTOCOL_RULES_H_
#define ACCORD_SERVICES_ASSESSMENT_DOMAIN_PROTOCOL_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accord/assessment/v1/protocol.pb.h"

namespace accord::assessment {

// "protocols/"
inline constexpr absl::string_view kProtocolCollection = "protocols/";

// The top score of every significance question; maximum = answered questions x this.
inline constexpr int kTopScore = 5;

// Checks every rule a protocol must keep (questions, bands, thresholds, one requirement per
// tier, unique section numbers and checklist ids, a risk matrix whose bands cover every score
// exactly once). OK, or INVALID_ARGUMENT listing every violation, each with its field path
// under `prefix`, for example "questions[2].bands[1].max_inclusive".
absl::Status ValidateProtocol(const v1::Protocol& protocol, absl::string_view prefix = "");

// Parses protobuf text format and validates the result. A syntax error is INVALID_ARGUMENT
// naming "<source>:<line>:<column>" and the parser's message; a validation failure is the
// ValidateProtocol status with its message prefixed by "<source>: ".
absl::StatusOr<v1::Protocol> ParseProtocolText(absl::string_view text, absl::string_view source);

// Reads the file at `path` and parses it with ParseProtocolText. NOT_FOUND when the file
// cannot be read.
absl::StatusOr<v1::Protocol> LoadProtocolFile(const std::string& path);

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_DOMAIN_PROTOCOL_RULES_H_
