#include "gateway/auth/authorizer.h"

namespace accord::gateway {

absl::Status AllowAllAuthorizer::Authorize(absl::string_view method,
                                           const RequestHeaders& headers) const {
  return absl::OkStatus();
}

}  // namespace accord::gateway
