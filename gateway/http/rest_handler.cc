#include "gateway/http/rest_handler.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/api/errors.h"
#include "common/server/caller.h"
#include "common/telemetry/log.h"
#include "common/telemetry/metrics.h"
#include "gateway/request_id.h"
#include "gateway/transcoder/request_mapping.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"

namespace accord::gateway {
namespace {

// Labels for requests that match no route: the raw path would let any client grow the
// metrics without bound.
constexpr absl::string_view kUnmatchedLabel = "unmatched";

std::string HeaderValue(const RequestHeaders& headers, absl::string_view name) {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

// Wraps `done` so that every answer is recorded once, whichever path produced it.
std::function<void(HttpResponse)> Recorded(const HttpRequest& request, std::string label,
                                           std::string request_id,
                                           std::function<void(HttpResponse)> done) {
  absl::Time start = absl::Now();
  std::string path = request.target.substr(0, request.target.find('?'));
  return [method = request.method, path = std::move(path), label = std::move(label),
          request_id, start, done = std::move(done)](HttpResponse response) {
    double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    telemetry::Metrics::Global().RecordCall(label, std::to_string(response.status), seconds);
    telemetry::Log(response.status >= 500 ? "warn" : "info", "http",
                   {{"method", method},
                    {"path", path},
                    {"route", label},
                    {"status", std::to_string(response.status)},
                    {"latency_ms", absl::StrCat(seconds * 1000)},
                    {"request_id", request_id}});
    response.headers.emplace_back(std::string(kRequestIdHeader), request_id);
    done(std::move(response));
  };
}

HttpResponse PlainText(int status, std::string body, std::string content_type = "text/plain") {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

// One REST call in flight. Owned by the gRPC completion callback.
struct BackendCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::unique_ptr<google::protobuf::Message> input;  // kept for the audit trail
};

HttpResponse RenderBackendAnswer(const BackendCall& call, const grpc::Status& status) {
  if (!status.ok()) return ErrorResponse(HttpErrorFromGrpc(status));
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          call.method->output_type());
  std::unique_ptr<google::protobuf::Message> output(prototype->New());
  grpc::ByteBuffer copy(call.response);
  grpc::Status parsed =
      grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&copy, output.get());
  if (!parsed.ok()) {
    return ErrorResponse(HttpErrorFromStatus(absl::InternalError(
        absl::StrCat("the backend's answer is not a valid ",
                     call.method->output_type()->full_name()))));
  }
  absl::StatusOr<std::string> json = MessageToJson(*output);
  if (!json.ok()) return ErrorResponse(HttpErrorFromStatus(json.status()));
  return PlainText(200, *std::move(json), "application/json");
}

}  // namespace

absl::Status ApplyRequestLimits(absl::string_view idempotency_key,
                                google::protobuf::Message& request) {
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  const google::protobuf::Reflection* reflection = request.GetReflection();
  using google::protobuf::FieldDescriptor;
  if (const FieldDescriptor* size = type->FindFieldByName("page_size");
      size != nullptr && size->cpp_type() == FieldDescriptor::CPPTYPE_INT32 &&
      reflection->GetInt32(request, size) > kMaxPageSize) {
    reflection->SetInt32(&request, size, kMaxPageSize);
  }
  if (idempotency_key.empty()) return absl::OkStatus();
  const FieldDescriptor* field = type->FindFieldByName("request_id");
  if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING) return absl::OkStatus();
  if (idempotency_key.size() > 128) {
    return api::InvalidField("Idempotency-Key", "must be at most 128 characters");
  }
  std::string given = reflection->GetString(request, field);
  if (!given.empty() && given != idempotency_key) {
    return api::InvalidField("Idempotency-Key",
                             "differs from the request's request_id; send one or the other");
  }
  reflection->SetString(&request, field, std::string(idempotency_key));
  return absl::OkStatus();
}

HttpResponse ErrorResponse(const HttpError& error) {
  return PlainText(error.http_status, error.json, "application/json");
}

RestHandler::RestHandler(const RouteTable* routes, const BackendTable* backends,
                         const Authorizer* authorizer, absl::Duration backend_deadline)
    : routes_(routes),
      backends_(backends),
      authorizer_(authorizer),
      backend_deadline_(backend_deadline) {}

HttpResponse RestHandler::Refuse(const HttpRequest& request, const HttpError& error) const {
  HttpResponse out;
  std::string request_id = RequestIdOrNew(HeaderValue(request.headers, kRequestIdHeader));
  Recorded(request, std::string(kUnmatchedLabel), request_id,
           [&out](HttpResponse response) { out = std::move(response); })(ErrorResponse(error));
  return out;
}

void RestHandler::Handle(HttpRequest request, std::function<void(HttpResponse)> done) const {
  std::string request_id = RequestIdOrNew(HeaderValue(request.headers, kRequestIdHeader));
  absl::string_view target = request.target;
  size_t question = target.find('?');
  absl::string_view path = target.substr(0, question);
  absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  if (request.method == "GET" && path == "/openapi.json" && !openapi_json_.empty()) {
    auto finish = Recorded(request, std::string(path), request_id, std::move(done));
    return finish(PlainText(200, openapi_json_, "application/json"));
  }
  if (request.method == "GET" && (path == "/healthz" || path == "/readyz" || path == "/metrics")) {
    auto finish = Recorded(request, std::string(path), request_id, std::move(done));
    if (path == "/metrics") {
      return finish(PlainText(200, telemetry::Metrics::Global().Render(),
                              "text/plain; version=0.0.4"));
    }
    if (!serving_) return finish(PlainText(503, "draining"));
    if (path == "/readyz") {
      // Ready when every backend is connected; names no address (the port is public).
      std::vector<std::string> unconnected = backends_->Unconnected();
      if (!unconnected.empty()) {
        return finish(PlainText(
            503, absl::StrCat(unconnected.size(), " backend(s) not connected yet")));
      }
    }
    return finish(PlainText(200, "ok"));
  }

  if (pages_ != nullptr) {
    if (std::string label = pages_->PageLabel(path); !label.empty()) {
      auto finish = Recorded(request, label, request_id, std::move(done));
      return pages_->HandlePage(std::move(request), request_id, std::move(finish));
    }
  }

  RouteMatch match = routes_->Find(request.method, path);
  if (match.route == nullptr) {
    auto finish = Recorded(request, std::string(kUnmatchedLabel), request_id, std::move(done));
    if (match.allowed_methods.empty()) {
      return finish(ErrorResponse(HttpErrorFromStatus(api::Error(
          absl::StatusCode::kNotFound, "ROUTE_NOT_FOUND",
          absl::StrCat("no route for ", request.method, " ", path)))));
    }
    HttpResponse response = ErrorResponse(HttpErrorFromStatus(
        api::Error(absl::StatusCode::kUnimplemented, "METHOD_NOT_ALLOWED",
                   absl::StrCat(path, " accepts ", absl::StrJoin(match.allowed_methods, ", "),
                                ", not ", request.method)),
        405));
    response.headers.emplace_back("Allow", absl::StrJoin(match.allowed_methods, ", "));
    return finish(std::move(response));
  }

  const Route& route = *match.route;
  auto finish = Recorded(request, route.Label(), request_id, std::move(done));
  std::string grpc_path = route.GrpcPath();
  absl::string_view method = absl::string_view(grpc_path).substr(1);
  auto admission = std::make_shared<Admission>(authorizer_->Admit(method, request.headers));
  auto refuse = [&](const absl::Status& status, const google::protobuf::Message* input) {
    authorizer_->Record(method, *admission, input, request_id, status, "REST");
    HttpResponse response = ErrorResponse(HttpErrorFromStatus(status));
    if (absl::Duration wait = api::RetryDelayOf(status); wait > absl::ZeroDuration()) {
      response.headers.emplace_back(
          "Retry-After", std::to_string(static_cast<int64_t>(absl::ToDoubleSeconds(
                             absl::Ceil(wait, absl::Seconds(1))))));
    }
    finish(std::move(response));
  };
  if (!admission->status.ok()) return refuse(admission->status, nullptr);
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> input =
      BuildRequest(route, match.bindings, query, request.body);
  if (!input.ok()) return finish(ErrorResponse(HttpErrorFromStatus(input.status())));
  if (absl::Status limited = ApplyRequestLimits(HeaderValue(request.headers, "idempotency-key"),
                                                **input);
      !limited.ok()) {
    return finish(ErrorResponse(HttpErrorFromStatus(limited)));
  }
  if (admission->check_request) {
    if (absl::Status allowed = authorizer_->AuthorizeRequest(method, *admission, **input);
        !allowed.ok()) {
      return refuse(allowed, input->get());
    }
  }

  grpc::GenericStub* stub = backends_->StubForPath(grpc_path);
  if (stub == nullptr) {
    return finish(ErrorResponse(HttpErrorFromStatus(api::Error(
        absl::StatusCode::kUnavailable, "NO_BACKEND",
        absl::StrCat("no backend is configured for ", route.method->service()->full_name())))));
  }
  auto call = std::make_shared<BackendCall>();
  call->method = route.method;
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(backend_deadline_));
  call->context.AddMetadata(std::string(kRequestIdHeader), request_id);
  // The caller's identity as the gateway verified it (common/server/caller.h); whatever the
  // client sent under x-accord-* never reaches a service.
  for (const auto& [key, value] : admission->metadata) call->context.AddMetadata(key, value);
  bool own_buffer = false;
  grpc::Status serialized = grpc::SerializationTraits<google::protobuf::Message>::Serialize(
      **input, &call->request, &own_buffer);
  if (!serialized.ok()) return finish(ErrorResponse(HttpErrorFromGrpc(serialized)));
  call->input = *std::move(input);
  stub->UnaryCall(&call->context, grpc_path, grpc::StubOptions(), &call->request,
                  &call->response,
                  [this, call, admission, request_id, grpc_path,
                   finish = std::move(finish)](grpc::Status status) {
                    authorizer_->Record(absl::string_view(grpc_path).substr(1), *admission,
                                        call->input.get(), request_id,
                                        api::FromGrpcStatus(status), "REST");
                    finish(RenderBackendAnswer(*call, status));
                  });
}

}  // namespace accord::gateway
