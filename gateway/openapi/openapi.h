// The OpenAPI 3 document of the REST API, generated at start-up from the same route table
// the gateway serves and from the contracts' comments, so it cannot drift from the live API.
#ifndef ACCORD_GATEWAY_OPENAPI_OPENAPI_H_
#define ACCORD_GATEWAY_OPENAPI_OPENAPI_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/transcoder/route_table.h"

namespace accord::gateway {

// OpenAPI path for a google.api.http template: "/v1/{name=partnerships/*/risks/*}:close"
// becomes "/v1/partnerships/{partnership}/risks/{risk}:close" (each wildcard named after the
// collection before it, singular).
std::string OpenApiPath(absl::string_view http_template);

// The document as JSON. `documented_descriptor_set` is a serialized FileDescriptorSet with
// source info (proto/documented_descriptors.h); descriptions come from its comments.
absl::StatusOr<std::string> BuildOpenApi(const RouteTable& routes,
                                         std::string_view documented_descriptor_set);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_OPENAPI_OPENAPI_H_
