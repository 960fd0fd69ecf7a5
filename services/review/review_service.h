// The gRPC adapter of the review service: decode, call Reviews, encode.
#ifndef ACCORD_SERVICES_REVIEW_REVIEW_SERVICE_H_
#define ACCORD_SERVICES_REVIEW_REVIEW_SERVICE_H_

#include "accord/review/v1/review_service.grpc.pb.h"
#include "common/storage/event_feed.h"
#include "services/review/reviews.h"

namespace accord::review {

class ReviewServiceImpl final : public v1::ReviewService::CallbackService {
 public:
  // `reviews` is not owned and must outlive the service.
  explicit ReviewServiceImpl(Reviews* reviews) : reviews_(reviews) {}

  // Ends open feed streams; call before draining the server.
  void CloseStreams() { streams_.CloseAll(); }

  grpc::ServerUnaryReactor* GetSchedule(grpc::CallbackServerContext* ctx,
                                        const v1::GetScheduleRequest* request,
                                        v1::Schedule* response) override;
  grpc::ServerUnaryReactor* ListDueItems(grpc::CallbackServerContext* ctx,
                                         const v1::ListDueItemsRequest* request,
                                         v1::ListDueItemsResponse* response) override;
  grpc::ServerUnaryReactor* CreateReview(grpc::CallbackServerContext* ctx,
                                         const v1::CreateReviewRequest* request,
                                         v1::Review* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* ctx,
                                      const v1::GetReviewRequest* request,
                                      v1::Review* response) override;
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* ctx,
                                        const v1::ListReviewsRequest* request,
                                        v1::ListReviewsResponse* response) override;
  grpc::ServerUnaryReactor* CreatePerformanceReport(
      grpc::CallbackServerContext* ctx, const v1::CreatePerformanceReportRequest* request,
      v1::PerformanceReport* response) override;
  grpc::ServerUnaryReactor* GetPerformanceReport(grpc::CallbackServerContext* ctx,
                                                 const v1::GetPerformanceReportRequest* request,
                                                 v1::PerformanceReport* response) override;
  grpc::ServerUnaryReactor* GetExitStrategy(grpc::CallbackServerContext* ctx,
                                            const v1::GetExitStrategyRequest* request,
                                            v1::ExitStrategy* response) override;
  grpc::ServerUnaryReactor* UpdateExitStrategy(grpc::CallbackServerContext* ctx,
                                               const v1::UpdateExitStrategyRequest* request,
                                               v1::ExitStrategy* response) override;
  grpc::ServerUnaryReactor* CreateExit(grpc::CallbackServerContext* ctx,
                                       const v1::CreateExitRequest* request,
                                       v1::Exit* response) override;
  grpc::ServerUnaryReactor* GetExit(grpc::CallbackServerContext* ctx,
                                    const v1::GetExitRequest* request, v1::Exit* response) override;
  grpc::ServerUnaryReactor* GetCompliance(grpc::CallbackServerContext* ctx,
                                          const v1::GetComplianceRequest* request,
                                          v1::Compliance* response) override;
  grpc::ServerUnaryReactor* ListAnomalies(grpc::CallbackServerContext* ctx,
                                          const v1::ListAnomaliesRequest* request,
                                          v1::ListAnomaliesResponse* response) override;
  grpc::ServerUnaryReactor* GetAnnualReport(grpc::CallbackServerContext* ctx,
                                            const v1::GetAnnualReportRequest* request,
                                            v1::AnnualReport* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const events::v1::ListEventsRequest* request,
                                       events::v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<events::v1::Event>* StreamEvents(
      grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) override;

 private:
  Reviews* reviews_;
  storage::EventStreams streams_;
};

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_REVIEW_SERVICE_H_
