// Which resource a request names, for record checks and the audit trail. Pure; thread-safe.
#ifndef ACCORD_GATEWAY_AUTH_RESOURCE_NAME_H_
#define ACCORD_GATEWAY_AUTH_RESOURCE_NAME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace accord::gateway {

// The resource `request` acts on: its `name`, else its `parent`, else the `name` of its
// first singular message field (UpdatePartnershipRequest.partnership.name), else for a
// create with an id field ("partnership_id") the name it will have ("partnerships/x").
// Empty when none applies.
std::string ResourceOf(const google::protobuf::Message& request);

// "partnerships/<id>" when `resource` is a partnership or lies under one, else empty.
std::string PartnershipOf(absl::string_view resource);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_RESOURCE_NAME_H_
