// The gRPC adapter of the risk service: decode, call Risks, encode.
#ifndef ACCORD_SERVICES_RISK_RISK_SERVICE_H_
#define ACCORD_SERVICES_RISK_RISK_SERVICE_H_

#include "accord/risk/v1/risk_service.grpc.pb.h"
#include "common/storage/event_feed.h"
#include "services/risk/risks.h"

namespace accord::risk {

class RiskServiceImpl final : public v1::RiskService::CallbackService {
 public:
  // `risks` is not owned and must outlive the service.
  explicit RiskServiceImpl(Risks* risks) : risks_(risks) {}

  // Ends open feed streams; call before draining the server.
  void CloseStreams() { streams_.CloseAll(); }

  grpc::ServerUnaryReactor* CreateRisk(grpc::CallbackServerContext* ctx,
                                       const v1::CreateRiskRequest* request,
                                       v1::Risk* response) override;
  grpc::ServerUnaryReactor* GetRisk(grpc::CallbackServerContext* ctx,
                                    const v1::GetRiskRequest* request, v1::Risk* response) override;
  grpc::ServerUnaryReactor* ListRisks(grpc::CallbackServerContext* ctx,
                                      const v1::ListRisksRequest* request,
                                      v1::ListRisksResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRisk(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateRiskRequest* request,
                                       v1::Risk* response) override;
  grpc::ServerUnaryReactor* CloseRisk(grpc::CallbackServerContext* ctx,
                                      const v1::CloseRiskRequest* request,
                                      v1::Risk* response) override;
  grpc::ServerUnaryReactor* GetHeatMap(grpc::CallbackServerContext* ctx,
                                       const v1::GetHeatMapRequest* request,
                                       v1::HeatMap* response) override;
  grpc::ServerUnaryReactor* ListOverdueRisks(grpc::CallbackServerContext* ctx,
                                             const v1::ListOverdueRisksRequest* request,
                                             v1::ListRisksResponse* response) override;
  grpc::ServerUnaryReactor* ListPendingEscalations(grpc::CallbackServerContext* ctx,
                                                   const v1::ListPendingEscalationsRequest* request,
                                                   v1::ListRisksResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeEscalation(grpc::CallbackServerContext* ctx,
                                                  const v1::AcknowledgeEscalationRequest* request,
                                                  v1::Risk* response) override;
  grpc::ServerUnaryReactor* ReportEscalationStatus(grpc::CallbackServerContext* ctx,
                                                   const v1::ReportEscalationStatusRequest* request,
                                                   v1::Risk* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const events::v1::ListEventsRequest* request,
                                       events::v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<events::v1::Event>* StreamEvents(
      grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) override;

 private:
  Risks* risks_;
  storage::EventStreams streams_;
};

}  // namespace accord::risk

#endif  // ACCORD_SERVICES_RISK_RISK_SERVICE_H_
