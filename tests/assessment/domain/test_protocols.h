// The protocol files in protocols/ as the tests use them, and an evaluation that satisfies
// every requirement, for tests to take parts away from.
#ifndef ACCORD_TESTS_ASSESSMENT_DOMAIN_TEST_PROTOCOLS_H_
#define ACCORD_TESTS_ASSESSMENT_DOMAIN_TEST_PROTOCOLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "gtest/gtest.h"
#include "services/assessment/domain/protocol_rules.h"

namespace accord::assessment::testing {

inline std::string ProtocolPath(const std::string& id) {
  return std::string(ACCORD_PROTOCOLS_DIR) + "/" + id + ".textproto";
}

// The protocol protocols/{id}.textproto; fails the test when it does not load.
inline v1::Protocol Protocol(const std::string& id) {
  absl::StatusOr<v1::Protocol> protocol = LoadProtocolFile(ProtocolPath(id));
  EXPECT_TRUE(protocol.ok()) << protocol.status();
  return protocol.ok() ? *protocol : v1::Protocol();
}

// A SUBMITTED evaluation by "alice" that lacks nothing `requirements` asks for.
inline v1::Evaluation CompleteEvaluation(const v1::Requirements& requirements,
                                         const v1::Protocol& protocol) {
  v1::Evaluation evaluation;
  evaluation.set_state(v1::Evaluation::SUBMITTED);
  evaluation.set_submitted_by("alice");
  for (int number : requirements.required_sections()) {
    auto* section = evaluation.add_sections();
    section->set_number(number);
    section->set_text("Written up in full.");
  }
  for (const auto& item : protocol.governance_checklist()) {
    auto* answer = evaluation.add_governance_checklist();
    answer->set_item_id(item.id());
    answer->set_met(true);
  }
  for (const auto& item : protocol.memorandum_checklist()) {
    auto* answer = evaluation.add_memorandum_checklist();
    answer->set_item_id(item.id());
    answer->set_met(true);
  }
  for (const auto& item : protocol.pre_entry_checklist()) {
    auto* answer = evaluation.add_pre_entry_checklist();
    answer->set_item_id(item.id());
    answer->set_met(true);
  }
  evaluation.mutable_business_case()->set_reference("BC-2024-017");
  for (const std::string& document : requirements.extra_documents()) {
    evaluation.add_documents_held(document);
  }
  return evaluation;
}

}  // namespace accord::assessment::testing

#endif  // ACCORD_TESTS_ASSESSMENT_DOMAIN_TEST_PROTOCOLS_H_
