#include "services/risk/risk_service.h"

#include "common/server/caller.h"
#include "common/server/reply.h"

namespace accord::risk {

using server::Reply;

grpc::ServerUnaryReactor* RiskServiceImpl::CreateRisk(grpc::CallbackServerContext* ctx,
                                                      const v1::CreateRiskRequest* request,
                                                      v1::Risk* response) {
  return Reply(ctx, risks_->CreateRisk(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::GetRisk(grpc::CallbackServerContext* ctx,
                                                   const v1::GetRiskRequest* request,
                                                   v1::Risk* response) {
  return Reply(ctx, risks_->GetRisk(request->name()), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::ListRisks(grpc::CallbackServerContext* ctx,
                                                     const v1::ListRisksRequest* request,
                                                     v1::ListRisksResponse* response) {
  return Reply(ctx, risks_->ListRisks(*request), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::UpdateRisk(grpc::CallbackServerContext* ctx,
                                                      const v1::UpdateRiskRequest* request,
                                                      v1::Risk* response) {
  return Reply(ctx, risks_->UpdateRisk(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::CloseRisk(grpc::CallbackServerContext* ctx,
                                                     const v1::CloseRiskRequest* request,
                                                     v1::Risk* response) {
  return Reply(ctx, risks_->CloseRisk(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::GetHeatMap(grpc::CallbackServerContext* ctx,
                                                      const v1::GetHeatMapRequest* request,
                                                      v1::HeatMap* response) {
  return Reply(ctx, risks_->GetHeatMap(request->name()), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::ListOverdueRisks(
    grpc::CallbackServerContext* ctx, const v1::ListOverdueRisksRequest* request,
    v1::ListRisksResponse* response) {
  return Reply(ctx, risks_->ListOverdueRisks(*request), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::ListPendingEscalations(
    grpc::CallbackServerContext* ctx, const v1::ListPendingEscalationsRequest* request,
    v1::ListRisksResponse* response) {
  return Reply(ctx, risks_->ListPendingEscalations(*request), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::AcknowledgeEscalation(
    grpc::CallbackServerContext* ctx, const v1::AcknowledgeEscalationRequest* request,
    v1::Risk* response) {
  return Reply(ctx, risks_->AcknowledgeEscalation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::ReportEscalationStatus(
    grpc::CallbackServerContext* ctx, const v1::ReportEscalationStatusRequest* request,
    v1::Risk* response) {
  return Reply(ctx, risks_->ReportEscalationStatus(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RiskServiceImpl::ListEvents(grpc::CallbackServerContext* ctx,
                                                      const events::v1::ListEventsRequest* request,
                                                      events::v1::ListEventsResponse* response) {
  return Reply(ctx, storage::ListEvents(*risks_->store(), *request), response);
}

grpc::ServerWriteReactor<events::v1::Event>* RiskServiceImpl::StreamEvents(
    grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) {
  return streams_.Open(risks_->store(), request->after_sequence());
}

}  // namespace accord::risk
