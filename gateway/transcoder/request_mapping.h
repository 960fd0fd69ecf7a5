// HTTP request -> request message (path variables, query parameters, JSON body) and
// response message -> JSON, following google/api/http.proto and proto3 JSON.
//
// Every error is INVALID_ARGUMENT built with accord::api::InvalidField, naming the field
// or query parameter and the rule it breaks. Functions here are pure and thread-safe.
#ifndef ACCORD_GATEWAY_TRANSCODER_REQUEST_MAPPING_H_
#define ACCORD_GATEWAY_TRANSCODER_REQUEST_MAPPING_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/transcoder/path_template.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace accord::gateway {

struct Route;

// The fields along `field_path` ("partnership.display_name"; each part the proto name or
// the JSON name) starting at `type`. INVALID_ARGUMENT when a part names no field or a
// part before the last is not a singular message.
absl::StatusOr<std::vector<const google::protobuf::FieldDescriptor*>> ResolveFieldPath(
    const google::protobuf::Descriptor& type, absl::string_view field_path);

// Sets (or, for a repeated field, appends) the field at `field_path` of `message` from its
// text form: numbers in decimal, bools as true/false, enums by name or number, bytes in
// base64, google.protobuf well-known types in their JSON string form (a FieldMask as
// "a,b", a Timestamp as RFC 3339). Errors name `name_for_errors`.
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view field_path,
                              absl::string_view value, absl::string_view name_for_errors);

// Applies a URL query string ("a=1&b.c=x&r=1&r=2", without the '?') to `message`.
// Parameters naming fields already set by the path (`path_fields`) or carried by the body
// (`body` is "*" or a top-level field name) are refused, as are unknown fields and a
// non-repeated field given twice.
absl::Status ApplyQueryParameters(absl::string_view query,
                                  const std::vector<std::string>& path_fields,
                                  absl::string_view body, google::protobuf::Message& message);

// Merges a proto3 JSON `json` into `message` ("*") or into its field `body_field`.
// An empty body counts as {}. Unknown fields are errors, not ignored.
absl::Status ApplyJsonBody(absl::string_view json, absl::string_view body_field,
                           google::protobuf::Message& message);

// The request message for `route`: body first, then query parameters, then path variables
// (which win, so "/v1/partnerships/a" always acts on "partnerships/a").
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const Route& route, const std::vector<VariableBinding>& bindings, absl::string_view query,
    absl::string_view body);

// `message` as proto3 JSON with lowerCamelCase names and default values left out.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_TRANSCODER_REQUEST_MAPPING_H_
