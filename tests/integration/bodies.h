// Request bodies that the end-to-end tests and the fault scenarios send through the gateway.
#ifndef ACCORD_TESTS_INTEGRATION_BODIES_H_
#define ACCORD_TESTS_INTEGRATION_BODIES_H_

#include <string>

#include "accord/assessment/v1/protocol.pb.h"

namespace accord::testing {

// A risk rated 4x4 inherent, 3x2 residual (CreateRisk's body).
inline constexpr char kRiskBody[] = R"({"title":"Partner withdraws funding","riskTo":"BOTH",
  "category":"PARTNER_FAILURE_TO_PERFORM","owner":"Head of Finance",
  "inherent":{"impact":4,"likelihood":4},"residual":{"impact":3,"likelihood":2},
  "reviewDate":"2027-03-31"})";

// An exit strategy answering the seven questions of Bolsover 5.10 (UpdateExitStrategy).
inline constexpr char kExitStrategyBody[] = R"({"endArrangements":"Planned end with the funding",
  "mainstreaming":"Back in house","councilLeaving":"Six months' notice",
  "resourcesReturned":"Pro rata","residualLiabilities":"None","impactAssessment":"Low",
  "reviewFrequency":"Annually","reviewDate":"2027-06-30"})";

// An UpdateEvaluation body answering every section and meeting every governance item of
// `protocol`; send it with updateMask=sections,governanceChecklist.
std::string CompleteEvaluationBody(const assessment::v1::Protocol& protocol);

}  // namespace accord::testing

#endif  // ACCORD_TESTS_INTEGRATION_BODIES_H_
