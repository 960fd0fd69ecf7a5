#include "gateway/auth/authorizer.h"

namespace accord::gateway {

Admission AllowAllAuthorizer::Admit(absl::string_view method,
                                    const RequestHeaders& headers) const {
  Admission admission;
  for (const char* header : {"x-accord-officer", "x-accord-roles"}) {
    auto it = headers.find(header);
    if (it != headers.end()) admission.metadata.emplace_back(header, it->second);
  }
  return admission;
}

}  // namespace accord::gateway
