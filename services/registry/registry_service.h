// The gRPC adapter of the register: decode, call Registry, encode. Nothing else.
#ifndef ACCORD_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define ACCORD_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/storage/event_feed.h"
#include "services/registry/registry.h"

namespace accord::registry {

class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  // `registry` is not owned and must outlive the service.
  explicit RegistryServiceImpl(Registry* registry) : registry_(registry) {}

  // Ends open feed streams; call before draining the server.
  void CloseStreams() { streams_.CloseAll(); }

  grpc::ServerUnaryReactor* CreatePartnership(grpc::CallbackServerContext* ctx,
                                              const v1::CreatePartnershipRequest* request,
                                              v1::Partnership* response) override;
  grpc::ServerUnaryReactor* GetPartnership(grpc::CallbackServerContext* ctx,
                                           const v1::GetPartnershipRequest* request,
                                           v1::Partnership* response) override;
  grpc::ServerUnaryReactor* ListPartnerships(grpc::CallbackServerContext* ctx,
                                             const v1::ListPartnershipsRequest* request,
                                             v1::ListPartnershipsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePartnership(grpc::CallbackServerContext* ctx,
                                              const v1::UpdatePartnershipRequest* request,
                                              v1::Partnership* response) override;
  grpc::ServerUnaryReactor* DeletePartnership(grpc::CallbackServerContext* ctx,
                                              const v1::DeletePartnershipRequest* request,
                                              google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* TransitionPartnership(
      grpc::CallbackServerContext* ctx, const v1::TransitionPartnershipRequest* request,
      v1::Partnership* response) override;
  grpc::ServerUnaryReactor* AddMeetingNote(grpc::CallbackServerContext* ctx,
                                           const v1::AddMeetingNoteRequest* request,
                                           v1::Partnership* response) override;
  grpc::ServerUnaryReactor* AddAnnualSummary(grpc::CallbackServerContext* ctx,
                                             const v1::AddAnnualSummaryRequest* request,
                                             v1::Partnership* response) override;
  grpc::ServerUnaryReactor* RecordFinancialYear(grpc::CallbackServerContext* ctx,
                                                const v1::RecordFinancialYearRequest* request,
                                                v1::Partnership* response) override;
  grpc::ServerUnaryReactor* ImportPartnerships(grpc::CallbackServerContext* ctx,
                                               const v1::ImportPartnershipsRequest* request,
                                               v1::ImportPartnershipsResponse* response) override;
  grpc::ServerUnaryReactor* ExportPartnerships(grpc::CallbackServerContext* ctx,
                                               const v1::ExportPartnershipsRequest* request,
                                               v1::ExportPartnershipsResponse* response) override;
  grpc::ServerUnaryReactor* ExportPublicPartnerships(
      grpc::CallbackServerContext* ctx, const v1::ExportPartnershipsRequest* request,
      v1::ExportPublicPartnershipsResponse* response) override;
  grpc::ServerUnaryReactor* GetPublicPartnership(grpc::CallbackServerContext* ctx,
                                                 const v1::GetPartnershipRequest* request,
                                                 v1::PublicPartnership* response) override;
  grpc::ServerUnaryReactor* ListPublicPartnerships(
      grpc::CallbackServerContext* ctx, const v1::ListPartnershipsRequest* request,
      v1::ListPublicPartnershipsResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* ctx,
                                       const events::v1::ListEventsRequest* request,
                                       events::v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<events::v1::Event>* StreamEvents(
      grpc::CallbackServerContext* ctx, const events::v1::StreamEventsRequest* request) override;

 private:
  Registry* registry_;
  storage::EventStreams streams_;
};

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
