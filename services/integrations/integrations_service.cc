#include "services/integrations/integrations_service.h"

#include <chrono>

#include "absl/time/clock.h"
#include "common/server/reply.h"

namespace accord::integrations {

using server::Reply;

grpc::ServerUnaryReactor* IntegrationsServiceImpl::ListChanges(
    grpc::CallbackServerContext* ctx, const v1::ListChangesRequest* request,
    v1::ListChangesResponse* response) {
  auto first = feed_->List(*request);
  if (!first.ok() || first->changes_size() > 0 || request->wait_seconds() <= 0) {
    return Reply(ctx, std::move(first), response);
  }
  // Long poll: answer before the caller's deadline so that it gets an empty page, not an
  // error.
  absl::Time deadline = absl::Now() + absl::Seconds(request->wait_seconds());
  auto call_deadline = ctx->deadline();
  if (call_deadline != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(call_deadline) - absl::Milliseconds(250));
  }
  auto* reactor = ctx->DefaultReactor();
  v1::ListChangesRequest again = *request;
  polls_.Add(deadline, [this, ctx, reactor, response, again](bool changed, bool final) {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
      return true;
    }
    if (!changed && !final) return false;
    auto page = feed_->List(again);
    if (page.ok() && page->changes_size() == 0 && !final) return false;
    if (page.ok()) *response = *std::move(page);
    reactor->Finish(api::ToGrpcStatus(page.status()));
    return true;
  });
  return reactor;
}

grpc::ServerWriteReactor<v1::FeedChange>* IntegrationsServiceImpl::StreamChanges(
    grpc::CallbackServerContext* ctx, const v1::StreamChangesRequest* request) {
  return streams_.Open(feed_, *request);
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::CreateSubscription(
    grpc::CallbackServerContext* ctx, const v1::CreateSubscriptionRequest* request,
    v1::Subscription* response) {
  return Reply(ctx, subscriptions_->Create(*request), response);
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::GetSubscription(
    grpc::CallbackServerContext* ctx, const v1::GetSubscriptionRequest* request,
    v1::Subscription* response) {
  return Reply(ctx, subscriptions_->Get(request->name()), response);
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::ListSubscriptions(
    grpc::CallbackServerContext* ctx, const v1::ListSubscriptionsRequest* request,
    v1::ListSubscriptionsResponse* response) {
  return Reply(ctx, subscriptions_->List(*request), response);
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::DeleteSubscription(
    grpc::CallbackServerContext* ctx, const v1::DeleteSubscriptionRequest* request,
    google::protobuf::Empty* response) {
  return Reply(ctx, subscriptions_->Delete(*request));
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::ListDeadLetters(
    grpc::CallbackServerContext* ctx, const v1::ListDeadLettersRequest* request,
    v1::ListDeadLettersResponse* response) {
  return Reply(ctx, subscriptions_->ListDeadLetters(*request), response);
}

grpc::ServerUnaryReactor* IntegrationsServiceImpl::ReplayDeadLetters(
    grpc::CallbackServerContext* ctx, const v1::ReplayDeadLettersRequest* request,
    v1::ReplayDeadLettersResponse* response) {
  return Reply(ctx, subscriptions_->Replay(*request), response);
}

}  // namespace accord::integrations
