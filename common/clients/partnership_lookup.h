// Asks the register about a partnership: does it exist, is it a key partnership. Used by
// every service that must refuse records for partnerships the register does not have.
#ifndef ACCORD_COMMON_CLIENTS_PARTNERSHIP_LOOKUP_H_
#define ACCORD_COMMON_CLIENTS_PARTNERSHIP_LOOKUP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/server/address.h"
#include "grpcpp/grpcpp.h"

namespace accord::clients {

struct PartnershipFacts {
  bool key_partnership = false;
  registry::v1::State state = registry::v1::STATE_UNSPECIFIED;
  registry::v1::Tier tier = registry::v1::TIER_UNSPECIFIED;
  std::string lead_service;
  std::string protocol;  // "protocols/{id}" the partnership is bound to; empty when none
};

// Thread-safe. NOT_FOUND naming `parent` when the register has no such partnership;
// UNAVAILABLE when the register does not answer within the deadline.
class PartnershipLookup {
 public:
  virtual ~PartnershipLookup() = default;
  virtual absl::StatusOr<PartnershipFacts> Lookup(const std::string& partnership_name) = 0;
};

// Looks partnerships up with a synchronous gRPC call to the register service.
class RegistryPartnershipLookup : public PartnershipLookup {
 public:
  // `address` as server::ResolveAddress reads it.
  RegistryPartnershipLookup(std::string address, absl::Duration deadline)
      : channel_(std::move(address)), deadline_(deadline) {}

  absl::StatusOr<PartnershipFacts> Lookup(const std::string& partnership_name) override;

 private:
  server::PeerChannel channel_;
  absl::Duration deadline_;
};

}  // namespace accord::clients

#endif  // ACCORD_COMMON_CLIENTS_PARTNERSHIP_LOOKUP_H_
