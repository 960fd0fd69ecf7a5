#include "gateway/transcoder/route_table.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gateway/transcoder/request_mapping.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace accord::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status BadOption(const MethodDescriptor& method, absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("google.api.http option of ", method.full_name(), ": ", rule));
}

absl::StatusOr<Route> RouteFor(const MethodDescriptor& method, const google::api::HttpRule& rule) {
  std::string http_method;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet: http_method = "GET"; path = rule.get(); break;
    case google::api::HttpRule::kPut: http_method = "PUT"; path = rule.put(); break;
    case google::api::HttpRule::kPost: http_method = "POST"; path = rule.post(); break;
    case google::api::HttpRule::kDelete: http_method = "DELETE"; path = rule.delete_(); break;
    case google::api::HttpRule::kPatch: http_method = "PATCH"; path = rule.patch(); break;
    case google::api::HttpRule::kCustom:
      http_method = rule.custom().kind();
      path = rule.custom().path();
      break;
    default: return BadOption(method, "no HTTP method and path");
  }
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) return BadOption(method, parsed.status().message());
  Route route{std::move(http_method), *std::move(parsed), &method, rule.body()};

  for (const std::string& field_path : route.path.VariableFieldPaths()) {
    absl::StatusOr<std::vector<const FieldDescriptor*>> fields =
        ResolveFieldPath(*method.input_type(), field_path);
    if (!fields.ok()) return BadOption(method, fields.status().message());
    const FieldDescriptor* leaf = fields->back();
    if (leaf->is_repeated() || leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return BadOption(method, absl::StrCat("path variable '", field_path,
                                            "' must name a singular scalar field"));
    }
  }
  if (!route.body.empty() && route.body != "*" &&
      method.input_type()->FindFieldByName(route.body) == nullptr) {
    return BadOption(method, absl::StrCat("body '", route.body, "' is not a field of ",
                                          method.input_type()->full_name()));
  }
  return route;
}

}  // namespace

std::string Route::GrpcPath() const {
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

std::string Route::Label() const { return absl::StrCat(http_method, " ", path.text()); }

absl::StatusOr<RouteTable> RouteTable::FromServices(
    const std::vector<std::string>& service_names,
    const google::protobuf::DescriptorPool& pool) {
  RouteTable table;
  for (const std::string& name : service_names) {
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
    if (service == nullptr) {
      return absl::NotFoundError(absl::StrCat("service ", name, " is not in the descriptor pool"
                                              " (is its generated code linked?)"));
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor& method = *service->method(i);
      if (method.client_streaming() || method.server_streaming()) continue;
      if (!method.options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule = method.options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const auto& extra : rule.additional_bindings()) rules.push_back(&extra);
      for (const google::api::HttpRule* each : rules) {
        absl::StatusOr<Route> route = RouteFor(method, *each);
        if (!route.ok()) return route.status();
        table.routes_.push_back(*std::move(route));
      }
    }
  }
  return table;
}

RouteMatch RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  struct Candidate {
    const Route* route;
    std::vector<VariableBinding> bindings;
  };
  std::vector<Candidate> candidates;
  bool verb_matched = false;
  for (const Route& route : routes_) {
    if (auto bindings = route.path.Match(path)) {
      verb_matched |= !route.path.verb().empty();
      candidates.push_back({&route, *std::move(bindings)});
    }
  }
  if (verb_matched) {
    std::erase_if(candidates, [](const Candidate& c) { return c.route->path.verb().empty(); });
  }
  RouteMatch match;
  for (Candidate& candidate : candidates) {
    if (candidate.route->http_method == http_method) {
      match.route = candidate.route;
      match.bindings = std::move(candidate.bindings);
      return match;
    }
    if (std::find(match.allowed_methods.begin(), match.allowed_methods.end(),
                  candidate.route->http_method) == match.allowed_methods.end()) {
      match.allowed_methods.push_back(candidate.route->http_method);
    }
  }
  return match;
}

}  // namespace accord::gateway
