#include "gateway/directory/officer_service.h"

#include "common/api/errors.h"
#include "common/server/caller.h"

namespace accord::gateway {
namespace {

template <typename T, typename Out>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx, absl::StatusOr<T> result,
                                Out* out) {
  auto* reactor = ctx->DefaultReactor();
  if (result.ok()) *out = *std::move(result);
  reactor->Finish(api::ToGrpcStatus(result.status()));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* OfficerServiceImpl::CreateOfficer(grpc::CallbackServerContext* ctx,
                                                            const v1::CreateOfficerRequest* req,
                                                            v1::Officer* out) {
  // Changes to the directory are HR's: recorded with the client system (or officer) that
  // made them.
  return Reply(ctx,
               directory_->Create(req->officer_id(), req->officer(),
                                  server::ActorOf(server::CallerOf(*ctx))),
               out);
}

grpc::ServerUnaryReactor* OfficerServiceImpl::GetOfficer(grpc::CallbackServerContext* ctx,
                                                         const v1::GetOfficerRequest* req,
                                                         v1::Officer* out) {
  return Reply(ctx, directory_->Get(req->name()), out);
}

grpc::ServerUnaryReactor* OfficerServiceImpl::ListOfficers(grpc::CallbackServerContext* ctx,
                                                           const v1::ListOfficersRequest* req,
                                                           v1::ListOfficersResponse* out) {
  absl::StatusOr<OfficerPage> page = directory_->List(req->page_size(), req->page_token());
  auto* reactor = ctx->DefaultReactor();
  if (page.ok()) {
    for (auto& officer : page->officers) *out->add_officers() = std::move(officer);
    out->set_next_page_token(page->next_page_token);
  }
  reactor->Finish(api::ToGrpcStatus(page.status()));
  return reactor;
}

grpc::ServerUnaryReactor* OfficerServiceImpl::UpdateOfficer(grpc::CallbackServerContext* ctx,
                                                            const v1::UpdateOfficerRequest* req,
                                                            v1::Officer* out) {
  return Reply(ctx,
               directory_->Update(req->officer(), req->update_mask(),
                                  server::ActorOf(server::CallerOf(*ctx))),
               out);
}

grpc::ServerUnaryReactor* OfficerServiceImpl::LeaveOfficer(grpc::CallbackServerContext* ctx,
                                                           const v1::LeaveOfficerRequest* req,
                                                           v1::Officer* out) {
  return Reply(ctx, directory_->Leave(req->name(), server::ActorOf(server::CallerOf(*ctx))),
               out);
}

}  // namespace accord::gateway
