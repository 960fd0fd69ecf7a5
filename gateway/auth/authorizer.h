// The seam for authentication and authorisation.
//
// Every REST and gRPC request passes through Authorizer::Authorize before it reaches a
// backend. This is where a later issue verifies the caller (for example a bearer token
// from the "authorization" header against the council's identity provider) and checks the
// caller's role against the method (officer, approver, public). Return UNAUTHENTICATED for
// a missing or bad credential and PERMISSION_DENIED for a known caller without the right.
#ifndef ACCORD_GATEWAY_AUTH_AUTHORIZER_H_
#define ACCORD_GATEWAY_AUTH_AUTHORIZER_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace accord::gateway {

// Request headers or gRPC metadata, names in lower case.
using RequestHeaders = std::multimap<std::string, std::string>;

// Implementations are called from many threads at once and must be thread-safe.
// Authorize must not block for long: it runs on the gateway's I/O threads.
class Authorizer {
 public:
  virtual ~Authorizer() = default;

  // OK to let the call through. `method` is the gRPC full name,
  // "accord.registry.v1.RegistryService/GetPartnership"; `headers` what the client sent.
  virtual absl::Status Authorize(absl::string_view method, const RequestHeaders& headers) const = 0;
};

// Lets every call through: the council network is the only barrier until the auth issue
// lands.
class AllowAllAuthorizer : public Authorizer {
 public:
  absl::Status Authorize(absl::string_view method, const RequestHeaders& headers) const override;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_AUTHORIZER_H_
