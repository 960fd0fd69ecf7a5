#include "services/registry/registry_service.h"

#include "common/server/caller.h"
#include "common/server/reply.h"

namespace accord::registry {

using server::Reply;

grpc::ServerUnaryReactor* RegistryServiceImpl::CreatePartnership(
    grpc::CallbackServerContext* ctx, const v1::CreatePartnershipRequest* request,
    v1::Partnership* response) {
  // Asynchronous, so that this callback thread goes back to reading requests while the
  // change waits for its group's fsync (storage::Store::WriteOnceAsync).
  auto* reactor = ctx->DefaultReactor();
  registry_->CreateAsync(*request, [reactor, response](absl::StatusOr<v1::Partnership> created) {
    if (created.ok()) *response = *std::move(created);
    reactor->Finish(api::ToGrpcStatus(created.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPartnership(
    grpc::CallbackServerContext* ctx, const v1::GetPartnershipRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->Get(request->name()), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ListPartnershipsRequest* request,
    v1::ListPartnershipsResponse* response) {
  return Reply(ctx, registry_->List(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdatePartnership(
    grpc::CallbackServerContext* ctx, const v1::UpdatePartnershipRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->Update(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeletePartnership(
    grpc::CallbackServerContext* ctx, const v1::DeletePartnershipRequest* request,
    google::protobuf::Empty* response) {
  return Reply(ctx, registry_->Delete(*request));
}

grpc::ServerUnaryReactor* RegistryServiceImpl::TransitionPartnership(
    grpc::CallbackServerContext* ctx, const v1::TransitionPartnershipRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->Transition(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::AddMeetingNote(
    grpc::CallbackServerContext* ctx, const v1::AddMeetingNoteRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->AddMeetingNote(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::AddAnnualSummary(
    grpc::CallbackServerContext* ctx, const v1::AddAnnualSummaryRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->AddAnnualSummary(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::RecordFinancialYear(
    grpc::CallbackServerContext* ctx, const v1::RecordFinancialYearRequest* request,
    v1::Partnership* response) {
  return Reply(ctx, registry_->RecordFinancialYear(*request, server::CallerOf(*ctx)), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ImportPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ImportPartnershipsRequest* request,
    v1::ImportPartnershipsResponse* response) {
  return Reply(ctx, registry_->Import(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ExportPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ExportPartnershipsRequest* request,
    v1::ExportPartnershipsResponse* response) {
  return Reply(ctx, registry_->Export(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ExportPublicPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ExportPartnershipsRequest* request,
    v1::ExportPublicPartnershipsResponse* response) {
  return Reply(ctx, registry_->ExportPublic(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPublicPartnership(
    grpc::CallbackServerContext* ctx, const v1::GetPartnershipRequest* request,
    v1::PublicPartnership* response) {
  return Reply(ctx, registry_->GetPublic(request->name()), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPublicPartnerships(
    grpc::CallbackServerContext* ctx, const v1::ListPartnershipsRequest* request,
    v1::ListPublicPartnershipsResponse* response) {
  return Reply(ctx, registry_->ListPublic(*request), response);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListEvents(
    grpc::CallbackServerContext* ctx, const events::v1::ListEventsRequest* request,
    events::v1::ListEventsResponse* response) {
  return Reply(ctx, storage::ListEvents(*registry_->store(), *request), response);
}

grpc::ServerWriteReactor<events::v1::Event>* RegistryServiceImpl::StreamEvents(
    grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) {
  return streams_.Open(registry_->store(), request->after_sequence());
}

}  // namespace accord::registry
