#include "tests/integration/bodies.h"

#include "accord/assessment/v1/assessment.pb.h"
#include "google/protobuf/util/json_util.h"

namespace accord::testing {

std::string CompleteEvaluationBody(const assessment::v1::Protocol& protocol) {
  assessment::v1::Evaluation fill;
  for (const auto& section : protocol.evaluation_sections()) {
    auto* answer = fill.add_sections();
    answer->set_number(section.number());
    answer->set_text("Answered: " + section.title());
  }
  for (const auto& item : protocol.governance_checklist()) {
    auto* answer = fill.add_governance_checklist();
    answer->set_item_id(item.id());
    answer->set_met(true);
  }
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(fill, &body);
  return body;
}

}  // namespace accord::testing
