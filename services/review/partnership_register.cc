#include "services/review/partnership_register.h"

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/api/errors.h"
#include "common/server/caller.h"

namespace accord::review {
namespace {

absl::Status Unavailable(const std::string& name, const grpc::Status& status) {
  return api::Error(absl::StatusCode::kUnavailable, "REGISTER_UNAVAILABLE",
                    absl::StrCat("the register did not answer about ", name, ": ",
                                 status.error_message()));
}

}  // namespace

absl::StatusOr<registry::v1::State> GrpcPartnershipRegister::CurrentState(
    const std::string& name) {
  std::shared_ptr<grpc::Channel> channel = channel_.Get();
  if (channel == nullptr) {
    return api::Error(absl::StatusCode::kUnavailable, "REGISTER_UNAVAILABLE",
                      "the register service cannot be located yet");
  }
  registry::v1::GetPartnershipRequest request;
  request.set_name(name);
  registry::v1::Partnership partnership;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  grpc::Status status =
      registry::v1::RegistryService::NewStub(channel)->GetPartnership(&ctx, request, &partnership);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return api::Error(absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
                      absl::StrCat("parent: the register has no partnership named '", name, "'"));
  }
  if (!status.ok()) return Unavailable(name, status);
  return partnership.state();
}

absl::Status GrpcPartnershipRegister::Transition(const std::string& name,
                                                 registry::v1::State to,
                                                 const std::string& reason,
                                                 const std::string& request_id,
                                                 const std::string& officer) {
  std::shared_ptr<grpc::Channel> channel = channel_.Get();
  if (channel == nullptr) {
    return api::Error(absl::StatusCode::kUnavailable, "REGISTER_UNAVAILABLE",
                      "the register service cannot be located yet");
  }
  registry::v1::TransitionPartnershipRequest request;
  request.set_name(name);
  request.set_state(to);
  request.set_reason(reason);
  request.set_request_id(request_id);
  registry::v1::Partnership partnership;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  if (!officer.empty()) ctx.AddMetadata(server::kOfficerHeader, officer);
  grpc::Status status = registry::v1::RegistryService::NewStub(channel)->TransitionPartnership(
      &ctx, request, &partnership);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
      status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Unavailable(name, status);
  }
  return api::FromGrpcStatus(status);
}

}  // namespace accord::review
