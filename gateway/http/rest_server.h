// The REST port: HTTP/1.1 with keep-alive on Boost.Beast, served by a few threads running
// one asio io_context. Each connection lives on its own strand; backend answers are posted
// back to it, so no I/O thread ever waits for gRPC.
#ifndef ACCORD_GATEWAY_HTTP_REST_SERVER_H_
#define ACCORD_GATEWAY_HTTP_REST_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/http/rest_handler.h"

namespace accord::gateway {

struct RestServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 lets the kernel pick; see RestServer::port()
  size_t max_body_bytes = 1 << 20;
  int threads = 2;
};

class RestServer {
 public:
  // Binds and starts serving. UNAVAILABLE naming the address when it cannot bind.
  // `handler` is not owned and must outlive the server.
  static absl::StatusOr<std::unique_ptr<RestServer>> Start(const RestServerOptions& options,
                                                           const RestHandler* handler);
  // Shutdown(absl::ZeroDuration()) unless already shut down.
  ~RestServer();

  int port() const;

  // Stops accepting and ends idle connections; every request already read is answered
  // (its connection closes after the answer) for up to `grace`, then everything is
  // closed and the threads joined. Call from one thread, once or more.
  void Shutdown(absl::Duration grace);

  struct Impl;

 private:
  explicit RestServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_HTTP_REST_SERVER_H_
