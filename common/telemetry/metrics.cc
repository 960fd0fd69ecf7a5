#include "common/telemetry/metrics.h"

#include <chrono>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "common/telemetry/log.h"

namespace accord::telemetry {

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

void Metrics::RecordCall(const std::string& method, const std::string& code, double seconds) {
  absl::MutexLock lock(&mu_);
  ++calls_[{method, code}];
  Histogram& h = latency_[method];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::SetGauge(const std::string& name, double value) {
  absl::MutexLock lock(&mu_);
  gauges_[name] = value;
}

std::string Metrics::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out =
      "# HELP accord_calls_total Calls finished, by method and status code.\n"
      "# TYPE accord_calls_total counter\n";
  for (const auto& [key, count] : calls_) {
    absl::StrAppend(&out, "accord_calls_total{method=", JsonQuote(key.first),
                    ",code=", JsonQuote(key.second), "} ", count, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP accord_call_duration_seconds Call latency, by method.\n"
                  "# TYPE accord_call_duration_seconds histogram\n");
  for (const auto& [method, h] : latency_) {
    std::string label = absl::StrCat("method=", JsonQuote(method));
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      absl::StrAppend(&out, "accord_call_duration_seconds_bucket{", label, ",le=\"", kBuckets[i],
                      "\"} ", h.buckets[i], "\n");
    }
    absl::StrAppend(&out, "accord_call_duration_seconds_bucket{", label, ",le=\"+Inf\"} ",
                    h.count, "\n", "accord_call_duration_seconds_sum{", label, "} ", h.sum, "\n",
                    "accord_call_duration_seconds_count{", label, "} ", h.count, "\n");
  }
  for (const auto& [name, value] : gauges_) {
    absl::StrAppend(&out, "# TYPE ", name, " gauge\n", name, " ", value, "\n");
  }
  return out;
}

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Scrapes are rare and tiny: one exchange per connection, all on one thread. Every step is
// asynchronous with a deadline, so a client that connects and says nothing (or a scraper
// that dies mid-request) neither blocks the next scrape nor holds up the process's stop.
constexpr auto kExchangeTimeout = std::chrono::seconds(10);

struct MetricsHttpServer::Impl {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;

  struct Exchange {
    explicit Exchange(asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
    boost::beast::tcp_stream stream;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) Serve(std::make_shared<Exchange>(std::move(socket)));
      Accept();
    });
  }

  static void Serve(std::shared_ptr<Exchange> exchange) {
    exchange->stream.expires_after(kExchangeTimeout);
    http::async_read(exchange->stream, exchange->buffer, exchange->request,
                     [exchange](boost::system::error_code ec, size_t) {
                       if (ec) return;  // closed, malformed or timed out: the socket closes
                       Answer(exchange->request, exchange->response);
                       http::async_write(exchange->stream, exchange->response,
                                         [exchange](boost::system::error_code, size_t) {});
                     });
  }

  static void Answer(const http::request<http::string_body>& request,
                     http::response<http::string_body>& response) {
    response.version(request.version());
    response.keep_alive(false);
    if (request.target() == "/metrics") {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4");
      response.body() = Metrics::Global().Render();
    } else if (request.target() == "/healthz") {
      response.result(http::status::ok);
      response.body() = "ok\n";
    } else {
      response.result(http::status::not_found);
      response.body() = "not found\n";
    }
    response.prepare_payload();
  }
};

std::unique_ptr<MetricsHttpServer> MetricsHttpServer::Start(const std::string& host, int port) {
  auto server = std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer());
  server->impl_ = std::make_unique<Impl>();
  Impl& impl = *server->impl_;
  boost::system::error_code ec;
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(host, ec), port);
  if (!ec) impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    Log("error", "metrics port unavailable",
        {{"host", host}, {"port", std::to_string(port)}, {"error", ec.message()}});
    return nullptr;
  }
  server->port_ = impl.acceptor.local_endpoint().port();
  impl.Accept();
  impl.thread = std::thread([&impl] { impl.io.run(); });
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (!impl_) return;
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace accord::telemetry
