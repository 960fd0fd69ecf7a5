// Fuzzes the gateway's REST transcoder (gateway/transcoder/): route lookup, path variables,
// query parameters and JSON bodies turned into a gRPC request message.
//
// Input, a framed HTTP request:
//   first line  METHOD PATH[?QUERY]      (a trailing \r is dropped)
//   the rest    the request body
// The route table is the gateway's: every annotated method of every Accord service.
// Properties: a request is refused only with INVALID_ARGUMENT; when a route is found and the
// request accepted, every path variable holds the value bound from the path (the path wins
// over body and query); when no route is found the method is not among the allowed ones.
// With ACCORD_FUZZ_VERBOSE set, each input's outcome is printed (for writing seeds).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "accord/assessment/v1/assessment_service.pb.h"
#include "accord/gateway/v1/audit_service.pb.h"
#include "accord/gateway/v1/officer_service.pb.h"
#include "accord/integrations/v1/integrations_service.pb.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/review/v1/review_service.pb.h"
#include "accord/risk/v1/risk_service.pb.h"
#include "gateway/transcoder/request_mapping.h"
#include "gateway/transcoder/route_table.h"
#include "google/protobuf/descriptor.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using google::protobuf::FieldDescriptor;

const accord::gateway::RouteTable& Routes() {
  static const accord::gateway::RouteTable* table = [] {
    // Naming a message of each service's file makes the linker keep its descriptors.
    const google::protobuf::Descriptor* linked[] = {
        accord::registry::v1::GetPartnershipRequest::descriptor(),
        accord::assessment::v1::GetProtocolRequest::descriptor(),
        accord::risk::v1::GetRiskRequest::descriptor(),
        accord::review::v1::GetScheduleRequest::descriptor(),
        accord::integrations::v1::ListChangesRequest::descriptor(),
        accord::gateway::v1::CreateOfficerRequest::descriptor(),
        accord::gateway::v1::ListAuditEntriesRequest::descriptor(),
    };
    std::vector<std::string> services;
    for (const auto* message : linked) {
      const google::protobuf::FileDescriptor* file = message->file();
      for (int i = 0; i < file->service_count(); ++i) {
        services.push_back(file->service(i)->full_name());
      }
    }
    auto built = accord::gateway::RouteTable::FromServices(
        services, *google::protobuf::DescriptorPool::generated_pool());
    FUZZ_CHECK(built.ok());
    FUZZ_CHECK(!built->routes().empty());
    return new accord::gateway::RouteTable(*std::move(built));
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const accord::gateway::RouteTable& routes = Routes();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  absl::string_view first = input.substr(0, newline);
  absl::string_view body =
      newline == absl::string_view::npos ? absl::string_view() : input.substr(newline + 1);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  size_t space = first.find(' ');
  if (space == absl::string_view::npos) return 0;
  absl::string_view method = first.substr(0, space);
  absl::string_view target = first.substr(space + 1);
  // As the REST handler splits it: the path up to the first '?', the query after it.
  size_t question = target.find('?');
  absl::string_view path = target.substr(0, question);
  absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  static const bool verbose = std::getenv("ACCORD_FUZZ_VERBOSE") != nullptr;
  accord::gateway::RouteMatch match = routes.Find(method, path);
  if (match.route == nullptr) {
    if (verbose) std::fprintf(stderr, "no route (%zu allowed)\n", match.allowed_methods.size());
    for (const std::string& allowed : match.allowed_methods) FUZZ_CHECK(allowed != method);
    return 0;
  }
  FUZZ_CHECK(match.route->http_method == method);

  auto request = accord::gateway::BuildRequest(*match.route, match.bindings, query, body);
  if (verbose) {
    std::fprintf(stderr, "%s: %s\n", match.route->Label().c_str(),
                 request.ok() ? (*request)->ShortDebugString().c_str()
                              : request.status().ToString().c_str());
  }
  if (!request.ok()) {
    FUZZ_CHECK(request.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  FUZZ_CHECK(*request != nullptr);
  const google::protobuf::Message& message = **request;
  FUZZ_CHECK(message.GetDescriptor() == match.route->method->input_type());

  // Path variables win over the body and the query string.
  for (const auto& binding : match.bindings) {
    auto fields = accord::gateway::ResolveFieldPath(*message.GetDescriptor(), binding.field_path);
    FUZZ_CHECK(fields.ok());
    const google::protobuf::Message* parent = &message;
    for (size_t i = 0; i + 1 < fields->size(); ++i) {
      parent = &parent->GetReflection()->GetMessage(*parent, (*fields)[i]);
    }
    const FieldDescriptor* leaf = fields->back();
    if (leaf->type() == FieldDescriptor::TYPE_STRING) {
      FUZZ_CHECK(parent->GetReflection()->GetString(*parent, leaf) == binding.value);
    }
  }

  // The response direction, on the request message (it holds every kind of field).
  (void)accord::gateway::MessageToJson(message);
  return 0;
}
