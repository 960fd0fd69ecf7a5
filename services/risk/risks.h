// The risk service's use cases: partnership risk registers rated on the protocol's matrix,
// and escalation of Major partnerships' open risks to the corporate risk register through a
// pull queue. Follows the assessment feed for protocols, and the register's feed for each
// partnership's state and tier (lifecycle/). Knows nothing of gRPC.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_RISK_RISKS_H_
#define ACCORD_SERVICES_RISK_RISKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "accord/risk/v1/risk_service.pb.h"
#include "common/clients/partnership_lookup.h"
#include "common/lifecycle/view.h"
#include "common/server/caller.h"
#include "common/storage/store.h"

namespace accord::risk {

namespace v1 = accord::risk::v1;

class Risks {
 public:
  static std::vector<std::string> ColumnFamilies();

  // Not owned; both must outlive this. `default_protocol` rates risks of partnerships not
  // assessed yet.
  Risks(storage::Store* store, clients::PartnershipLookup* lookup, std::string default_protocol)
      : store_(store), lookup_(lookup), default_protocol_(std::move(default_protocol)) {}

  // Officers' acts (create, update, close) need an officer (UNAUTHENTICATED otherwise), are
  // refused where the life cycle does not allow risks (FAILED_PRECONDITION), and record who.
  absl::StatusOr<v1::Risk> CreateRisk(const v1::CreateRiskRequest& request,
                                      const server::Caller& caller);
  absl::StatusOr<v1::Risk> GetRisk(const std::string& name) const;
  absl::StatusOr<v1::ListRisksResponse> ListRisks(const v1::ListRisksRequest& request) const;
  absl::StatusOr<v1::Risk> UpdateRisk(const v1::UpdateRiskRequest& request,
                                      const server::Caller& caller);
  absl::StatusOr<v1::Risk> CloseRisk(const v1::CloseRiskRequest& request,
                                     const server::Caller& caller);
  absl::StatusOr<v1::HeatMap> GetHeatMap(const std::string& name) const;
  absl::StatusOr<v1::ListRisksResponse> ListOverdueRisks(
      const v1::ListOverdueRisksRequest& request) const;
  absl::StatusOr<v1::ListRisksResponse> ListPendingEscalations(
      const v1::ListPendingEscalationsRequest& request) const;
  // The corporate risk register's answers, recorded as the client system's; allowed in every
  // state (it acknowledges the withdrawal of a closed partnership's escalations).
  // UNAUTHENTICATED when the call names neither an officer nor a client system.
  absl::StatusOr<v1::Risk> AcknowledgeEscalation(const v1::AcknowledgeEscalationRequest& request,
                                                 const server::Caller& caller);
  absl::StatusOr<v1::Risk> ReportEscalationStatus(const v1::ReportEscalationStatusRequest& request,
                                                  const server::Caller& caller);

  // Applies one assessment-feed event exactly once: keeps protocols and each partnership's
  // latest assessment (the protocol version its risks are rated on).
  absl::Status FollowAssessment(const events::v1::Event& event);

  // Applies one register-feed event exactly once: keeps the partnership's view; offers or
  // withdraws escalations when it becomes or stops being Major; when it is closed, screened
  // out or rejected, closes its open risks with the reason and withdraws every escalation.
  absl::Status FollowRegister(const events::v1::Event& event);

  storage::Store* store() const { return store_; }

 private:
  struct Context;  // what rating a partnership's risks needs: its matrix and Major-ness
  // `view` (may be null: not Major) gives the register's tier.
  absl::StatusOr<Context> ContextFor(const std::string& partnership_id,
                                     const lifecycle::View* view) const;
  using RiskChange = std::function<absl::StatusOr<std::string>(v1::Risk&, const Context&)>;
  // `by_officer`: an officer's act, judged by the life cycle and recorded as `actor`'s.
  absl::StatusOr<v1::Risk> ChangeRisk(absl::string_view method, const std::string& name,
                                      absl::string_view etag, absl::string_view request_id,
                                      const google::protobuf::Message& request,
                                      const std::string& actor, bool by_officer,
                                      const RiskChange& decide);
  // Closes (when `ended`, with `close_reason`) and offers or withdraws (by `major`) the
  // escalation of every risk of `partnership` that this changes.
  absl::Status ReactToPartnership(storage::Change& change, const std::string& partnership,
                                  bool ended, bool major, const std::string& close_reason);

  storage::Store* store_;
  clients::PartnershipLookup* lookup_;
  std::string default_protocol_;
};

}  // namespace accord::risk

#endif  // ACCORD_SERVICES_RISK_RISKS_H_
