// The seam for authentication and authorisation.
//
// Every REST and gRPC request passes through Authorizer::Admit before it reaches a backend:
// it verifies the caller's credential (UNAUTHENTICATED when missing or bad), checks the
// method (PERMISSION_DENIED), applies rate limits (RESOURCE_EXHAUSTED) and says which
// identity metadata the backend call carries. When Admission::check_request is set, the
// request message must also pass AuthorizeRequest (per-record rules) before it is sent.
// Record() is told how every call ended, for the audit trail.
#ifndef ACCORD_GATEWAY_AUTH_AUTHORIZER_H_
#define ACCORD_GATEWAY_AUTH_AUTHORIZER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace accord::gateway {

// Request headers or gRPC metadata, names in lower case.
using RequestHeaders = std::multimap<std::string, std::string>;

// What the gateway decided about one call before forwarding it.
struct Admission {
  absl::Status status;  // OK: forward the call
  std::string key_id;   // who, as far as verified (empty when not)
  std::string client;
  std::string officer;
  // Identity metadata for the backend call (x-accord-officer, x-accord-roles). Only the
  // gateway sets these; whatever the client sent under x-accord-* is dropped.
  std::vector<std::pair<std::string, std::string>> metadata;
  bool write = false;          // the method changes something
  bool check_request = false;  // AuthorizeRequest must see the request message first
};

// Implementations are called from many threads at once and must be thread-safe.
class Authorizer {
 public:
  virtual ~Authorizer() = default;

  // `method` is the gRPC full name, "accord.registry.v1.RegistryService/GetPartnership";
  // `headers` what the client sent.
  virtual Admission Admit(absl::string_view method, const RequestHeaders& headers) const = 0;

  // Per-record rules, once the request is known. May call the register (with a deadline),
  // so it can block briefly.
  virtual absl::Status AuthorizeRequest(absl::string_view method, const Admission& admission,
                                        const google::protobuf::Message& request) const {
    return absl::OkStatus();
  }

  // How the call ended: `outcome` is the refusal or the backend's status. `request` is null
  // when the call was refused before its message was read.
  virtual void Record(absl::string_view method, const Admission& admission,
                      const google::protobuf::Message* request, absl::string_view request_id,
                      const absl::Status& outcome, absl::string_view transport) const {}

  // Admit's status alone.
  absl::Status Authorize(absl::string_view method, const RequestHeaders& headers) const {
    return Admit(method, headers).status;
  }
};

// Lets every call through and passes the client's x-accord-officer and x-accord-roles on:
// only for tests of the transport, never for a gateway anyone can reach.
class AllowAllAuthorizer : public Authorizer {
 public:
  Admission Admit(absl::string_view method, const RequestHeaders& headers) const override;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_AUTHORIZER_H_
