// Fuzzes the protocol file loader (services/assessment/domain/protocol_rules.h): protobuf
// text format parsed and validated as LoadProtocolFile does, from memory.
// Input: the text of a protocols/*.textproto file.
// Properties: refusals are INVALID_ARGUMENT naming the source; an accepted protocol
// validates, and printed back as text format loads again unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/assessment/domain/protocol_rules.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto protocol = accord::assessment::ParseProtocolText(text, "fuzz.textproto");
  if (!protocol.ok()) {
    FUZZ_CHECK(protocol.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StartsWith(protocol.status().message(), "fuzz.textproto:"));
    return 0;
  }
  FUZZ_CHECK(accord::assessment::ValidateProtocol(*protocol).ok());

  std::string printed;
  FUZZ_CHECK(google::protobuf::TextFormat::PrintToString(*protocol, &printed));
  auto again = accord::assessment::ParseProtocolText(printed, "printed.textproto");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*protocol, *again));
  return 0;
}
