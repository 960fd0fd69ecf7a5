#include "services/review/review_service.h"

#include "common/server/caller.h"
#include "common/server/reply.h"

namespace accord::review {

using server::Reply;

grpc::ServerUnaryReactor* ReviewServiceImpl::GetSchedule(grpc::CallbackServerContext* ctx,
                                                         const v1::GetScheduleRequest* request,
                                                         v1::Schedule* response) {
  return Reply(ctx, reviews_->GetSchedule(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListDueItems(grpc::CallbackServerContext* ctx,
                                                          const v1::ListDueItemsRequest* request,
                                                          v1::ListDueItemsResponse* response) {
  return Reply(ctx, reviews_->ListDueItems(*request), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::CreateReview(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateReviewRequest* request,
                                                          v1::Review* response) {
  return Reply(ctx, reviews_->CreateReview(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetReview(grpc::CallbackServerContext* ctx,
                                                       const v1::GetReviewRequest* request,
                                                       v1::Review* response) {
  return Reply(ctx, reviews_->GetReview(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListReviews(grpc::CallbackServerContext* ctx,
                                                         const v1::ListReviewsRequest* request,
                                                         v1::ListReviewsResponse* response) {
  return Reply(ctx, reviews_->ListReviews(*request), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::CreatePerformanceReport(
    grpc::CallbackServerContext* ctx, const v1::CreatePerformanceReportRequest* request,
    v1::PerformanceReport* response) {
  return Reply(ctx, reviews_->CreatePerformanceReport(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetPerformanceReport(
    grpc::CallbackServerContext* ctx, const v1::GetPerformanceReportRequest* request,
    v1::PerformanceReport* response) {
  return Reply(ctx, reviews_->GetPerformanceReport(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetExitStrategy(
    grpc::CallbackServerContext* ctx, const v1::GetExitStrategyRequest* request,
    v1::ExitStrategy* response) {
  return Reply(ctx, reviews_->GetExitStrategy(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::UpdateExitStrategy(
    grpc::CallbackServerContext* ctx, const v1::UpdateExitStrategyRequest* request,
    v1::ExitStrategy* response) {
  return Reply(ctx, reviews_->UpdateExitStrategy(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::CreateExit(grpc::CallbackServerContext* ctx,
                                                        const v1::CreateExitRequest* request,
                                                        v1::Exit* response) {
  return Reply(ctx, reviews_->CreateExit(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetExit(grpc::CallbackServerContext* ctx,
                                                     const v1::GetExitRequest* request,
                                                     v1::Exit* response) {
  return Reply(ctx, reviews_->GetExit(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetCompliance(grpc::CallbackServerContext* ctx,
                                                           const v1::GetComplianceRequest* request,
                                                           v1::Compliance* response) {
  return Reply(ctx, reviews_->GetCompliance(*request), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListAnomalies(grpc::CallbackServerContext* ctx,
                                                           const v1::ListAnomaliesRequest* request,
                                                           v1::ListAnomaliesResponse* response) {
  return Reply(ctx, reviews_->ListAnomalies(*request), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::GetAnnualReport(
    grpc::CallbackServerContext* ctx, const v1::GetAnnualReportRequest* request,
    v1::AnnualReport* response) {
  return Reply(ctx, reviews_->GetAnnualReport(request->name()), response);
}

grpc::ServerUnaryReactor* ReviewServiceImpl::ListEvents(
    grpc::CallbackServerContext* ctx, const events::v1::ListEventsRequest* request,
    events::v1::ListEventsResponse* response) {
  return Reply(ctx, storage::ListEvents(*reviews_->store(), *request), response);
}

grpc::ServerWriteReactor<events::v1::Event>* ReviewServiceImpl::StreamEvents(
    grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) {
  return streams_.Open(reviews_->store(), request->after_sequence());
}

}  // namespace accord::review
