#include "common/clients/partnership_lookup.h"

#include "absl/strings/str_cat.h"
#include "common/api/errors.h"

namespace accord::clients {

absl::StatusOr<PartnershipFacts> RegistryPartnershipLookup::Lookup(
    const std::string& partnership_name) {
  std::shared_ptr<grpc::Channel> channel = channel_.Get();
  if (channel == nullptr) {
    return api::Error(absl::StatusCode::kUnavailable, "REGISTER_UNAVAILABLE",
                      "the register service cannot be located yet");
  }
  registry::v1::GetPartnershipRequest request;
  request.set_name(partnership_name);
  registry::v1::Partnership partnership;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  grpc::Status status = registry::v1::RegistryService::NewStub(channel)->GetPartnership(
      &ctx, request, &partnership);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return api::Error(absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
                      absl::StrCat("parent: the register has no partnership named '",
                                   partnership_name, "'"));
  }
  if (!status.ok()) {
    return api::Error(absl::StatusCode::kUnavailable, "REGISTER_UNAVAILABLE",
                      absl::StrCat("the register did not answer about ", partnership_name,
                                   ": ", status.error_message()));
  }
  return PartnershipFacts{partnership.key_partnership(), partnership.state(), partnership.tier(),
                          partnership.lead_service(), partnership.protocol()};
}

}  // namespace accord::clients
