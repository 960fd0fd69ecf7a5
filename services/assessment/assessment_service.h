// The gRPC adapter of the assessment service: decode, call Assessments, encode.
#ifndef ACCORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
#define ACCORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_

#include "accord/assessment/v1/assessment_service.grpc.pb.h"
#include "common/storage/event_feed.h"
#include "services/assessment/assessments.h"

namespace accord::assessment {

class AssessmentServiceImpl final : public v1::AssessmentService::CallbackService {
 public:
  // `assessments` is not owned and must outlive the service.
  explicit AssessmentServiceImpl(Assessments* assessments) : assessments_(assessments) {}

  // Ends open feed streams; call before draining the server.
  void CloseStreams() { streams_.CloseAll(); }

  grpc::ServerUnaryReactor* GetProtocol(grpc::CallbackServerContext* ctx,
                                        const v1::GetProtocolRequest* request,
                                        v1::Protocol* response) override;
  grpc::ServerUnaryReactor* ListProtocols(grpc::CallbackServerContext* ctx,
                                          const v1::ListProtocolsRequest* request,
                                          v1::ListProtocolsResponse* response) override;
  grpc::ServerUnaryReactor* CreateProtocolVersion(grpc::CallbackServerContext* ctx,
                                                  const v1::CreateProtocolVersionRequest* request,
                                                  v1::Protocol* response) override;
  grpc::ServerUnaryReactor* CreateScreening(grpc::CallbackServerContext* ctx,
                                            const v1::CreateScreeningRequest* request,
                                            v1::Screening* response) override;
  grpc::ServerUnaryReactor* ListScreenings(grpc::CallbackServerContext* ctx,
                                           const v1::ListScreeningsRequest* request,
                                           v1::ListScreeningsResponse* response) override;
  grpc::ServerUnaryReactor* CreateAssessment(grpc::CallbackServerContext* ctx,
                                             const v1::CreateAssessmentRequest* request,
                                             v1::Assessment* response) override;
  grpc::ServerUnaryReactor* GetAssessment(grpc::CallbackServerContext* ctx,
                                          const v1::GetAssessmentRequest* request,
                                          v1::Assessment* response) override;
  grpc::ServerUnaryReactor* ListAssessments(grpc::CallbackServerContext* ctx,
                                            const v1::ListAssessmentsRequest* request,
                                            v1::ListAssessmentsResponse* response) override;
  grpc::ServerUnaryReactor* ModerateAssessment(grpc::CallbackServerContext* ctx,
                                               const v1::ModerateAssessmentRequest* request,
                                               v1::Assessment* response) override;
  grpc::ServerUnaryReactor* GetRequirements(grpc::CallbackServerContext* ctx,
                                            const v1::GetRequirementsRequest* request,
                                            v1::Requirements* response) override;
  grpc::ServerUnaryReactor* CreateEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::CreateEvaluationRequest* request,
                                             v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* GetEvaluation(grpc::CallbackServerContext* ctx,
                                          const v1::GetEvaluationRequest* request,
                                          v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* ListEvaluations(grpc::CallbackServerContext* ctx,
                                            const v1::ListEvaluationsRequest* request,
                                            v1::ListEvaluationsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateEvaluationRequest* request,
                                             v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* SubmitEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::SubmitEvaluationRequest* request,
                                             v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* SignOffEvaluation(grpc::CallbackServerContext* ctx,
                                              const v1::SignOffEvaluationRequest* request,
                                              v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* RejectEvaluation(grpc::CallbackServerContext* ctx,
                                             const v1::RejectEvaluationRequest* request,
                                             v1::Evaluation* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const events::v1::ListEventsRequest* request,
                                       events::v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<events::v1::Event>* StreamEvents(
      grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) override;

 private:
  Assessments* assessments_;
  storage::EventStreams streams_;
};

}  // namespace accord::assessment

#endif  // ACCORD_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
