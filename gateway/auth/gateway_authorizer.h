// The gateway's Authorizer: API keys, the officer directory, the method table
// (access_policy.h), per-record checks against the register, rate limits and the audit
// trail.
//
// Thread-safe; Admit reads only in-memory snapshots. AuthorizeRequest may call the register
// (bounded by the lookup's deadline) and Record writes a synced audit entry for every write
// and every denial.
#ifndef ACCORD_GATEWAY_AUTH_GATEWAY_AUTHORIZER_H_
#define ACCORD_GATEWAY_AUTH_GATEWAY_AUTHORIZER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/audit/audit_log.h"
#include "gateway/auth/access_policy.h"
#include "gateway/auth/authorizer.h"
#include "gateway/auth/key_registry.h"
#include "gateway/auth/rate_limiter.h"
#include "gateway/directory/officer_directory.h"

namespace accord::gateway {

// The lead service of a partnership ("partnerships/x"): NOT_FOUND when the register has
// none, UNAVAILABLE when it does not answer in time.
using LeadServiceLookup = std::function<absl::StatusOr<std::string>(const std::string&)>;

class GatewayAuthorizer : public Authorizer {
 public:
  // Nothing is owned; everything must outlive the authorizer. `audit` may be null.
  GatewayAuthorizer(const KeyRegistry* keys, const OfficerDirectory* officers,
                    RateLimiter* limiter, AuditLog* audit, LeadServiceLookup lead_service_of)
      : keys_(keys),
        officers_(officers),
        limiter_(limiter),
        audit_(audit),
        lead_service_of_(std::move(lead_service_of)) {}

  Admission Admit(absl::string_view method, const RequestHeaders& headers) const override;
  absl::Status AuthorizeRequest(absl::string_view method, const Admission& admission,
                                const google::protobuf::Message& request) const override;
  void Record(absl::string_view method, const Admission& admission,
              const google::protobuf::Message* request, absl::string_view request_id,
              const absl::Status& outcome, absl::string_view transport) const override;

 private:
  const KeyRegistry* keys_;
  const OfficerDirectory* officers_;
  RateLimiter* limiter_;
  AuditLog* audit_;
  LeadServiceLookup lead_service_of_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_GATEWAY_AUTHORIZER_H_
