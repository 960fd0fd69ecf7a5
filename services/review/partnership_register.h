// Moves a partnership through the register's life cycle for a formal exit: a synchronous
// gRPC call to the register service with a deadline.
#ifndef ACCORD_SERVICES_REVIEW_PARTNERSHIP_REGISTER_H_
#define ACCORD_SERVICES_REVIEW_PARTNERSHIP_REGISTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/server/address.h"

namespace accord::review {

// Thread-safe. NOT_FOUND when the register has no such partnership; UNAVAILABLE when it
// does not answer within the deadline; the register's own refusal (FAILED_PRECONDITION for
// an illegal move) otherwise.
class PartnershipRegister {
 public:
  virtual ~PartnershipRegister() = default;
  virtual absl::StatusOr<registry::v1::State> CurrentState(const std::string& name) = 0;
  // `request_id` (may be empty) makes the move happen once; `officer` is forwarded as the
  // caller's identity.
  virtual absl::Status Transition(const std::string& name, registry::v1::State to,
                                  const std::string& reason, const std::string& request_id,
                                  const std::string& officer) = 0;
};

class GrpcPartnershipRegister : public PartnershipRegister {
 public:
  // `address` as server::ResolveAddress reads it.
  GrpcPartnershipRegister(std::string address, absl::Duration deadline)
      : channel_(std::move(address)), deadline_(deadline) {}

  absl::StatusOr<registry::v1::State> CurrentState(const std::string& name) override;
  absl::Status Transition(const std::string& name, registry::v1::State to,
                          const std::string& reason, const std::string& request_id,
                          const std::string& officer) override;

 private:
  server::PeerChannel channel_;
  absl::Duration deadline_;
};

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_PARTNERSHIP_REGISTER_H_
