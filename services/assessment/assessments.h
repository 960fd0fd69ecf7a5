// The assessment service's use cases: protocols, screening, significance assessment,
// requirements, evaluations and sign-off. Validates with the pure rules in domain/, asks
// the register whether a partnership exists, and commits each change as one batch with its
// feed event. Knows nothing of gRPC.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_ASSESSMENT_ASSESSMENTS_H_
#define ACCORD_SERVICES_ASSESSMENT_ASSESSMENTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "accord/assessment/v1/assessment_service.pb.h"
#include "common/server/caller.h"
#include "common/storage/store.h"
#include "common/clients/partnership_lookup.h"
#include "common/lifecycle/lifecycle.h"
#include "common/storage/partnership_views.h"

namespace accord::assessment {

namespace v1 = accord::assessment::v1;

class Assessments {
 public:
  static std::vector<std::string> ColumnFamilies();

  // Not owned; both must outlive this. `default_protocol` is "protocols/{id}".
  Assessments(storage::Store* store, clients::PartnershipLookup* lookup, std::string default_protocol)
      : store_(store), lookup_(lookup), default_protocol_(std::move(default_protocol)) {}

  // Stores each protocol version not stored yet. A stored version whose content differs is
  // FAILED_PRECONDITION: versions never change; an amendment is a new version.
  absl::Status LoadProtocols(const std::vector<v1::Protocol>& protocols);

  absl::StatusOr<v1::Protocol> GetProtocol(const v1::GetProtocolRequest& request) const;
  absl::StatusOr<v1::ListProtocolsResponse> ListProtocols() const;
  absl::StatusOr<v1::Protocol> CreateProtocolVersion(
      const v1::CreateProtocolVersionRequest& request);

  absl::StatusOr<v1::Screening> CreateScreening(const v1::CreateScreeningRequest& request,
                                                const server::Caller& caller);
  absl::StatusOr<v1::ListScreeningsResponse> ListScreenings(
      const v1::ListScreeningsRequest& request) const;

  absl::StatusOr<v1::Assessment> CreateAssessment(const v1::CreateAssessmentRequest& request,
                                                  const server::Caller& caller);
  absl::StatusOr<v1::Assessment> GetAssessment(const std::string& name) const;
  absl::StatusOr<v1::ListAssessmentsResponse> ListAssessments(
      const v1::ListAssessmentsRequest& request) const;
  // Chief Executive only.
  absl::StatusOr<v1::Assessment> ModerateAssessment(const v1::ModerateAssessmentRequest& request,
                                                    const server::Caller& caller);

  absl::StatusOr<v1::Requirements> GetRequirements(const std::string& name);

  absl::StatusOr<v1::Evaluation> CreateEvaluation(const v1::CreateEvaluationRequest& request,
                                                  const server::Caller& caller);
  absl::StatusOr<v1::Evaluation> GetEvaluation(const std::string& name) const;
  absl::StatusOr<v1::ListEvaluationsResponse> ListEvaluations(
      const v1::ListEvaluationsRequest& request) const;
  absl::StatusOr<v1::Evaluation> UpdateEvaluation(const v1::UpdateEvaluationRequest& request,
                                                  const server::Caller& caller);
  absl::StatusOr<v1::Evaluation> SubmitEvaluation(const v1::SubmitEvaluationRequest& request,
                                                  const server::Caller& caller);
  absl::StatusOr<v1::Evaluation> SignOffEvaluation(const v1::SignOffEvaluationRequest& request,
                                                   const server::Caller& caller);
  absl::StatusOr<v1::Evaluation> RejectEvaluation(const v1::RejectEvaluationRequest& request,
                                                  const server::Caller& caller);

  // Applies one event of the register's feed exactly once (its cursor in the same batch):
  // keeps the partnership's view; when the partnership is closed, screened out or rejected,
  // withdraws its draft and submitted evaluations; when the register refused an act this
  // service had accepted (the partnership had moved on a moment before), voids it.
  absl::Status FollowRegister(const events::v1::Event& event);

  storage::Store* store() const { return store_; }

 private:
  absl::StatusOr<v1::Protocol> ProtocolVersion(const std::string& name, int version) const;
  // The latest version of the protocol a screening or assessment of the partnership in
  // `view` runs under: its binding, else `requested`, else the default; fields named under
  // `prefix` ("assessment.").
  absl::StatusOr<v1::Protocol> ProtocolOf(const absl::StatusOr<storage::ViewForAct>& view,
                                          const std::string& requested,
                                          absl::string_view prefix) const;
  // The latest assessment of partnership `partnership_id`; FAILED_PRECONDITION when none.
  absl::StatusOr<v1::Assessment> LatestAssessment(const std::string& partnership_id) const;
  // What a partnership's documents are judged against now: its latest assessment, the
  // requirements that assessment and the partnership's key flag give, and the protocol
  // version the assessment used.
  struct Current {
    v1::Assessment assessment;
    v1::Requirements requirements;
    v1::Protocol protocol;
    storage::ViewForAct view;  // what each change judges the partnership's state by
  };
  // `act` (when given) is refused at once where the partnership's state forbids it.
  absl::StatusOr<Current> CurrentRequirements(const std::string& partnership_id,
                                              std::optional<lifecycle::Act> act);
  // Inside a change: ABORTED when the partnership was re-assessed since `current` was read
  // (the key-flag lookup cannot run under the writer lock), FAILED_PRECONDITION when the
  // evaluation is not the document its tier now requires.
  absl::Status CheckStillCurrent(const std::string& partnership_id, const Current& current,
                                 const v1::Evaluation& evaluation) const;
  // Loads an evaluation, lets `decide` change it, and commits it with an event.
  using EvaluationChange = std::function<absl::StatusOr<std::string>(v1::Evaluation&)>;
  absl::StatusOr<v1::Evaluation> ChangeEvaluation(absl::string_view method,
                                                  const std::string& name,
                                                  absl::string_view etag,
                                                  absl::string_view request_id,
                                                  const google::protobuf::Message& request,
                                                  const storage::ViewForAct& view,
                                                  lifecycle::Act act, const std::string& officer,
                                                  const EvaluationChange& decide);

  storage::Store* store_;
  clients::PartnershipLookup* lookup_;
  std::string default_protocol_;
};

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_ASSESSMENTS_H_
