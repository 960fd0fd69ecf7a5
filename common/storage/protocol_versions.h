// Protocol versions kept in a service's own store (DOMAIN.md section 1): the assessment
// service owns them; services that follow its feed keep copies to rate and schedule by.
#ifndef ACCORD_COMMON_STORAGE_PROTOCOL_VERSIONS_H_
#define ACCORD_COMMON_STORAGE_PROTOCOL_VERSIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "accord/assessment/v1/protocol.pb.h"
#include "common/storage/store.h"

namespace accord::storage {

// Keys sort by protocol id, then version.
std::string ProtocolVersionKey(absl::string_view id, int version);

// Stores `protocol` under its name and version in `family`.
void PutProtocolVersion(Change& change, absl::string_view family,
                        const assessment::v1::Protocol& protocol);

// Version `version` of protocol `name` ("protocols/{id}"), or the latest when version is 0.
// NOT_FOUND naming `name` when absent; INVALID_ARGUMENT naming "protocol" when malformed.
absl::StatusOr<assessment::v1::Protocol> FindProtocolVersion(const Store& store,
                                                             absl::string_view family,
                                                             absl::string_view name, int version);

}  // namespace accord::storage

#endif  // ACCORD_COMMON_STORAGE_PROTOCOL_VERSIONS_H_
