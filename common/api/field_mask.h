// Partial updates with field masks (AIP-134).
#ifndef ACCORD_COMMON_API_FIELD_MASK_H_
#define ACCORD_COMMON_API_FIELD_MASK_H_

#include <set>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace accord::api {

// Copies into `target` the fields `mask` names, taken from `source` (same type). Named
// message and repeated fields are replaced whole, not merged.
//  - An empty mask means every writable field that is set in `source` (AIP-134).
//  - "*" means every writable field, so unset ones are cleared.
//  - `writable` lists the top-level field names a client may set. A path outside it, or one
//    that does not exist, is INVALID_ARGUMENT naming "update_mask" and the path; `target` is
//    then unchanged.
absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask,
                            const google::protobuf::Message& source,
                            const std::set<std::string>& writable,
                            google::protobuf::Message* target);

}  // namespace accord::api

#endif  // ACCORD_COMMON_API_FIELD_MASK_H_
