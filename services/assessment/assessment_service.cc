#include "services/assessment/assessment_service.h"

#include "common/server/caller.h"
#include "common/server/reply.h"

namespace accord::assessment {

using server::Reply;

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetProtocol(grpc::CallbackServerContext* ctx,
                                                             const v1::GetProtocolRequest* request,
                                                             v1::Protocol* response) {
  return Reply(ctx, assessments_->GetProtocol(*request), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListProtocols(
    grpc::CallbackServerContext* ctx, const v1::ListProtocolsRequest* request,
    v1::ListProtocolsResponse* response) {
  return Reply(ctx, assessments_->ListProtocols(), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::CreateProtocolVersion(
    grpc::CallbackServerContext* ctx, const v1::CreateProtocolVersionRequest* request,
    v1::Protocol* response) {
  return Reply(ctx, assessments_->CreateProtocolVersion(*request), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::CreateScreening(
    grpc::CallbackServerContext* ctx, const v1::CreateScreeningRequest* request,
    v1::Screening* response) {
  return Reply(ctx, assessments_->CreateScreening(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListScreenings(
    grpc::CallbackServerContext* ctx, const v1::ListScreeningsRequest* request,
    v1::ListScreeningsResponse* response) {
  return Reply(ctx, assessments_->ListScreenings(*request), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::CreateAssessment(
    grpc::CallbackServerContext* ctx, const v1::CreateAssessmentRequest* request,
    v1::Assessment* response) {
  return Reply(ctx, assessments_->CreateAssessment(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetAssessment(
    grpc::CallbackServerContext* ctx, const v1::GetAssessmentRequest* request,
    v1::Assessment* response) {
  return Reply(ctx, assessments_->GetAssessment(request->name()), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListAssessments(
    grpc::CallbackServerContext* ctx, const v1::ListAssessmentsRequest* request,
    v1::ListAssessmentsResponse* response) {
  return Reply(ctx, assessments_->ListAssessments(*request), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ModerateAssessment(
    grpc::CallbackServerContext* ctx, const v1::ModerateAssessmentRequest* request,
    v1::Assessment* response) {
  return Reply(ctx, assessments_->ModerateAssessment(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetRequirements(
    grpc::CallbackServerContext* ctx, const v1::GetRequirementsRequest* request,
    v1::Requirements* response) {
  return Reply(ctx, assessments_->GetRequirements(request->name()), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::CreateEvaluation(
    grpc::CallbackServerContext* ctx, const v1::CreateEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->CreateEvaluation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::GetEvaluation(
    grpc::CallbackServerContext* ctx, const v1::GetEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->GetEvaluation(request->name()), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListEvaluations(
    grpc::CallbackServerContext* ctx, const v1::ListEvaluationsRequest* request,
    v1::ListEvaluationsResponse* response) {
  return Reply(ctx, assessments_->ListEvaluations(*request), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::UpdateEvaluation(
    grpc::CallbackServerContext* ctx, const v1::UpdateEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->UpdateEvaluation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::SubmitEvaluation(
    grpc::CallbackServerContext* ctx, const v1::SubmitEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->SubmitEvaluation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::SignOffEvaluation(
    grpc::CallbackServerContext* ctx, const v1::SignOffEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->SignOffEvaluation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::RejectEvaluation(
    grpc::CallbackServerContext* ctx, const v1::RejectEvaluationRequest* request,
    v1::Evaluation* response) {
  return Reply(ctx, assessments_->RejectEvaluation(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* AssessmentServiceImpl::ListEvents(
    grpc::CallbackServerContext* ctx, const events::v1::ListEventsRequest* request,
    events::v1::ListEventsResponse* response) {
  return Reply(ctx, storage::ListEvents(*assessments_->store(), *request), response);
}

grpc::ServerWriteReactor<events::v1::Event>* AssessmentServiceImpl::StreamEvents(
    grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) {
  return streams_.Open(assessments_->store(), request->after_sequence());
}

}  // namespace accord::assessment
