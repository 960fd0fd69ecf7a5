// REST routes derived from the google.api.http options of proxied services.
//
// Routes are read from descriptors at start-up, so adding an annotated RPC to a proto adds
// its route with no gateway code. Streaming methods get no route (gRPC only).
// A RouteTable is immutable once built and safe to share between threads.
#ifndef ACCORD_GATEWAY_TRANSCODER_ROUTE_TABLE_H_
#define ACCORD_GATEWAY_TRANSCODER_ROUTE_TABLE_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/transcoder/path_template.h"
#include "google/protobuf/descriptor.h"

namespace accord::gateway {

struct Route {
  std::string http_method;  // upper case: "GET", "POST", "PATCH", "PUT", "DELETE" or custom
  PathTemplate path;
  // Not owned; descriptors live as long as their pool.
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "" (no body), "*" (the whole request) or the name of a top-level request field.
  std::string body;

  // "/<service>/<method>", the gRPC path the route calls.
  std::string GrpcPath() const;
  // For metrics and logs: "GET /v1/{name=partnerships/*}".
  std::string Label() const;
};

struct RouteMatch {
  const Route* route = nullptr;  // null when nothing serves this method and path
  std::vector<VariableBinding> bindings;
  // When `route` is null: the methods that do serve the path (answer 405 with these in
  // Allow), or empty (answer 404).
  std::vector<std::string> allowed_methods;
};

class RouteTable {
 public:
  // Routes for every unary method with a google.api.http option (including
  // additional_bindings) in the named services. NOT_FOUND when a service is not in `pool`;
  // INVALID_ARGUMENT naming the method and rule when an option has a bad template, a path
  // variable that is not a singular scalar field, or a body naming no top-level field.
  static absl::StatusOr<RouteTable> FromServices(
      const std::vector<std::string>& service_names,
      const google::protobuf::DescriptorPool& pool);

  // The route for `http_method` and `path` (no query string). When several match, one
  // with a custom verb wins, then the first declared. A path that matches a template with
  // a verb is not offered to templates without one, so "GET /v1/x:transition" is a 405
  // rather than a lookup of a resource named "x:transition".
  RouteMatch Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_TRANSCODER_ROUTE_TABLE_H_
