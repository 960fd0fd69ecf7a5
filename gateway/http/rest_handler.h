// What the REST port does with one parsed HTTP request: health and metrics, route lookup,
// authorisation, transcoding, the backend call, and rendering the answer. Knows nothing of
// sockets; RestServer feeds it and writes what it returns.
#ifndef ACCORD_GATEWAY_HTTP_REST_HANDLER_H_
#define ACCORD_GATEWAY_HTTP_REST_HANDLER_H_

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "gateway/transcoder/http_errors.h"
#include "gateway/transcoder/route_table.h"

namespace accord::gateway {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // path and query, "/v1/partnerships?page_size=5"
  RequestHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
};

// Pages the REST port serves beside the API (gateway/web: the public register and the
// keeper's dashboard). Implementations are thread-safe.
class PageHandler {
 public:
  virtual ~PageHandler() = default;
  // The metrics label of the page `path` names (any method), or "" when it is not a page.
  virtual std::string PageLabel(absl::string_view path) const = 0;
  // Answers a request whose path PageLabel accepted, calling `done` exactly once (maybe on
  // another thread). `request_id` is the request's x-request-id.
  virtual void HandlePage(HttpRequest request, std::string request_id,
                          std::function<void(HttpResponse)> done) const = 0;
};

// Thread-safe: Handle runs concurrently on every I/O thread.
class RestHandler {
 public:
  // The tables and authorizer are not owned and must outlive the handler.
  RestHandler(const RouteTable* routes, const BackendTable* backends,
              const Authorizer* authorizer, absl::Duration backend_deadline);

  // Answers `request` by calling `done` exactly once: on the calling thread for answers
  // the gateway gives itself, on a gRPC thread after a backend call. `done` must not
  // block; hand the response back to the I/O thread that owns the connection. Records
  // metrics and writes one log line per request.
  void Handle(HttpRequest request, std::function<void(HttpResponse)> done) const;

  // Answers a request the server refuses before it is read in full (body too large),
  // recording metrics and logging like Handle.
  HttpResponse Refuse(const HttpRequest& request, const HttpError& error) const;

  // The document served at GET /openapi.json (gateway/openapi). Call before serving.
  void SetOpenApi(std::string json) { openapi_json_ = std::move(json); }

  // Pages served on paths the API does not use; not owned. Call before serving.
  void SetPageHandler(const PageHandler* pages) { pages_ = pages; }

  // /healthz (alive) and /readyz (alive and every backend connected) answer 503 once
  // draining starts, so load balancers stop sending.
  void SetServing(bool serving) { serving_.store(serving); }

 private:
  std::string openapi_json_;
  const PageHandler* pages_ = nullptr;
  const RouteTable* routes_;
  const BackendTable* backends_;
  const Authorizer* authorizer_;
  absl::Duration backend_deadline_;
  std::atomic<bool> serving_{true};
};

// The largest page a list request is forwarded with; larger page_size values are clamped.
inline constexpr int kMaxPageSize = 1000;

// Clamps `request`'s page_size to kMaxPageSize and, when the method has a request_id field,
// sets it from the Idempotency-Key header (AIP-155), so a retried POST never creates twice.
// INVALID_ARGUMENT naming "Idempotency-Key" when it is over 128 characters or contradicts a
// request_id given in the request itself.
absl::Status ApplyRequestLimits(absl::string_view idempotency_key,
                                google::protobuf::Message& request);

// `error` as an application/json response.
HttpResponse ErrorResponse(const HttpError& error);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_HTTP_REST_HANDLER_H_
