// The gRPC adapter of the integrations service: decode, call the feed or the subscriptions,
// encode. Long polls wait in LongPolls, never on a gRPC thread.
#ifndef ACCORD_SERVICES_INTEGRATIONS_INTEGRATIONS_SERVICE_H_
#define ACCORD_SERVICES_INTEGRATIONS_INTEGRATIONS_SERVICE_H_

#include "accord/integrations/v1/integrations_service.grpc.pb.h"
#include "services/integrations/change_feed.h"
#include "services/integrations/change_streams.h"
#include "services/integrations/long_polls.h"
#include "services/integrations/subscriptions.h"

namespace accord::integrations {

class IntegrationsServiceImpl final : public v1::IntegrationsService::CallbackService {
 public:
  // Not owned; both must outlive the service.
  IntegrationsServiceImpl(ChangeFeed* feed, Subscriptions* subscriptions)
      : feed_(feed), subscriptions_(subscriptions), polls_(feed->store()) {}

  // Answers waiting long polls and ends open streams; call before draining the server.
  void CloseStreams() {
    polls_.Shutdown();
    streams_.CloseAll();
  }

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* ctx,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<v1::FeedChange>* StreamChanges(
      grpc::CallbackServerContext* ctx, const v1::StreamChangesRequest* request) override;
  grpc::ServerUnaryReactor* CreateSubscription(grpc::CallbackServerContext* ctx,
                                               const v1::CreateSubscriptionRequest* request,
                                               v1::Subscription* response) override;
  grpc::ServerUnaryReactor* GetSubscription(grpc::CallbackServerContext* ctx,
                                            const v1::GetSubscriptionRequest* request,
                                            v1::Subscription* response) override;
  grpc::ServerUnaryReactor* ListSubscriptions(grpc::CallbackServerContext* ctx,
                                              const v1::ListSubscriptionsRequest* request,
                                              v1::ListSubscriptionsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteSubscription(grpc::CallbackServerContext* ctx,
                                               const v1::DeleteSubscriptionRequest* request,
                                               google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ListDeadLetters(grpc::CallbackServerContext* ctx,
                                            const v1::ListDeadLettersRequest* request,
                                            v1::ListDeadLettersResponse* response) override;
  grpc::ServerUnaryReactor* ReplayDeadLetters(grpc::CallbackServerContext* ctx,
                                              const v1::ReplayDeadLettersRequest* request,
                                              v1::ReplayDeadLettersResponse* response) override;

 private:
  ChangeFeed* feed_;
  Subscriptions* subscriptions_;
  LongPolls polls_;
  ChangeStreams streams_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_INTEGRATIONS_SERVICE_H_
