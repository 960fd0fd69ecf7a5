#include "gateway/http/rest_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "common/api/errors.h"
#include "common/telemetry/log.h"

namespace accord::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A client that opens a connection and says nothing should not hold it for ever.
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kIoTimeout = std::chrono::seconds(30);
// How long a refused request's unread body is read and discarded after the answer.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Session;

}  // namespace

struct RestServer::Impl {
  RestServerOptions options;
  const RestHandler* handler = nullptr;
  // Connections not yet finished: a session counts until its last handler has run, so
  // Shutdown knows when every request it read has been answered.
  // Declared before the io_context: sessions still queued there are destroyed with it.
  std::atomic<int> open_sessions{0};
  net::io_context ioc;
  // Keeps the I/O threads running while requests wait on backends with no socket
  // operation pending (after the acceptor closes, say): their answers are posted later.
  // Shutdown ends it with ioc.stop().
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
  // On a strand of its own: accept completions (which start the next accept) and the close
  // in Shutdown would otherwise run at once on two I/O threads, and an acceptor is not safe
  // for concurrent use.
  tcp::acceptor acceptor{net::make_strand(ioc)};
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  // Handle() calls whose answer has not been posted yet. Shutdown waits for them so that
  // no backend completion posts to a destroyed io_context.
  std::atomic<int> answers_pending{0};
  bool stopped = false;
  int port = 0;

  absl::Mutex mu;
  std::vector<std::weak_ptr<Session>> sessions ABSL_GUARDED_BY(mu);

  void Accept();
  void Track(const std::shared_ptr<Session>& session);
  std::vector<std::shared_ptr<Session>> LiveSessions();
};

namespace {

// One connection. Every member is touched only on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, RestServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {
    ++server_->open_sessions;
  }
  ~Session() { --server_->open_sessions; }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Ends the connection once it has nothing left to answer. An idle connection's pending
  // read is cancelled rather than its socket closed: a request whose bytes were read in
  // full just before (its handler already queued) is still answered, one not yet read is
  // never started. A busy connection closes after its answer because the server is
  // draining.
  void Drain() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.cancel();
    });
  }

  // Only once no I/O thread runs (the strand is not there to order it): a connection still
  // open at the end of the grace period, its handlers queued on a stopped io_context.
  void CloseStopped() { Close(); }

 private:
  void ReadHeader() {
    if (server_->draining) return Close();
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    // Beast checks Content-Length against the body limit as soon as the header is in.
    bool too_large = ec == http::error::body_limit;
    // End of stream, timeout, malformed header, or cancelled by Drain().
    if (ec && !too_large) return Close();
    busy_ = true;
    if (too_large) return RefuseTooLarge();
    const auto& header = parser_->get();
    stream_.expires_after(kIoTimeout);
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // Clients such as curl otherwise wait a second before sending a larger body.
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Abandon();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnBody(ec);
                     });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) return RefuseTooLarge();
    if (ec) return Abandon();
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    HttpRequest request = ToHttpRequest(message);
    request.body = std::move(message.body());
    ++server_->answers_pending;
    server_->handler->Handle(
        std::move(request), [self = shared_from_this()](HttpResponse r) mutable {
          // The session moves into the posted handler so that its last reference is never
          // dropped on a gRPC thread after the io_context is gone.
          RestServer::Impl* server = self->server_;
          auto executor = self->stream_.get_executor();
          net::post(executor, [self = std::move(self), r = std::move(r)]() mutable {
            self->Write(std::move(r));
          });
          --server->answers_pending;
        });
  }

  // Answers 413 from the header alone and closes: the unread body would otherwise be
  // taken for the next request.
  void RefuseTooLarge() {
    keep_alive_ = false;
    body_unread_ = true;
    version_ = parser_->get().version();
    HttpRequest request = ToHttpRequest(parser_->get());
    Write(server_->handler->Refuse(
        request, HttpErrorFromStatus(
                     api::InvalidField("body", absl::StrCat("must be at most ",
                                                            server_->options.max_body_bytes,
                                                            " bytes")),
                     413)));
  }

  template <typename Message>
  static HttpRequest ToHttpRequest(const Message& message) {
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace(absl::AsciiStrToLower(std::string(field.name_string())),
                              std::string(field.value()));
    }
    return request;
  }

  void Write(HttpResponse answer) {
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(version_);
    response->result(static_cast<unsigned>(answer.status));
    response->set(http::field::content_type, answer.content_type);
    for (auto& [name, value] : answer.headers) response->set(name, value);
    response->body() = std::move(answer.body);
    response->keep_alive(keep_alive_ && !server_->draining);
    response->prepare_payload();
    stream_.expires_after(kIoTimeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        self->OnWritten(ec, response->keep_alive());
                      });
  }

  void OnWritten(beast::error_code ec, bool keep_alive) {
    busy_ = false;
    if (!ec && body_unread_) return LingeringClose();
    if (ec || !keep_alive) return Close();
    ReadHeader();
  }

  // The request was started but cannot be answered (the client went away).
  void Abandon() {
    busy_ = false;
    Close();
  }

  // Closes in stages after answering a request whose body was left unread (RFC 9112 9.6):
  // closing at once with bytes unread makes the kernel send a reset, which can destroy the
  // answer in the client's receive buffer before it reads it. So stop sending, read and
  // discard what the client still sends until it closes or kLingerTimeout, then close.
  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    Discard();
  }

  void Discard() {
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Close();  // end of stream, timeout, Drain()
                              self->Discard();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  RestServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool busy_ = false;
  bool keep_alive_ = false;
  bool body_unread_ = false;  // refused from its header: the body was never read
  unsigned version_ = 11;
};

}  // namespace

void RestServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), this);
      Track(session);
      session->Start();
    }
    Accept();
  });
}

void RestServer::Impl::Track(const std::shared_ptr<Session>& session) {
  absl::MutexLock lock(&mu);
  std::erase_if(sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
  sessions.push_back(session);
}

std::vector<std::shared_ptr<Session>> RestServer::Impl::LiveSessions() {
  absl::MutexLock lock(&mu);
  std::vector<std::shared_ptr<Session>> live;
  for (const auto& weak : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

RestServer::RestServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RestServer::~RestServer() { Shutdown(absl::ZeroDuration()); }

int RestServer::port() const { return impl_->port; }

absl::StatusOr<std::unique_ptr<RestServer>> RestServer::Start(const RestServerOptions& options,
                                                              const RestHandler* handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->handler = handler;
  beast::error_code ec;
  net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--host: '", options.host, "' is not an IP address: ", ec.message()));
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  auto fail = [&](absl::string_view step) {
    return absl::UnavailableError(absl::StrCat("cannot ", step, " ", options.host, ":",
                                               options.port, ": ", ec.message()));
  };
  if (impl->acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (impl->acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return fail("configure");
  }
  if (impl->acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (impl->acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return fail("listen on");
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  return std::unique_ptr<RestServer>(new RestServer(std::move(impl)));
}

void RestServer::Shutdown(absl::Duration grace) {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->draining = true;
  // Once the close has run on the acceptor's strand no connection is accepted any more (an
  // accept completion still queued sees the acceptor closed), so the count below can only
  // fall. Counting before it ran could see 0 just before one more connection arrived.
  std::promise<void> acceptor_closed;
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get(), &acceptor_closed] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    acceptor_closed.set_value();
  });
  acceptor_closed.get_future().wait();
  for (const auto& session : impl_->LiveSessions()) session->Drain();

  // Waiting for the connections (not for a count of requests) closes the gap between a
  // request's bytes arriving and its handler running: that handler holds its session.
  absl::Time deadline = absl::Now() + grace;
  while (impl_->open_sessions.load() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  if (int left = impl_->open_sessions.load(); left > 0) {
    telemetry::Log("warn", "http connections cut off at the end of the grace period",
                   {{"connections", std::to_string(left)}});
  }
  impl_->ioc.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  for (const auto& session : impl_->LiveSessions()) session->CloseStopped();
  // Backend calls end by their own deadline at the latest.
  while (impl_->answers_pending.load() > 0) absl::SleepFor(absl::Milliseconds(10));
}

}  // namespace accord::gateway
