// The metrics port against real sockets on a kernel-chosen port: it answers scrapes, and a
// client that connects and says nothing neither blocks the next scrape nor the stop.
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/telemetry/metrics.h"
#include "gtest/gtest.h"

namespace accord::telemetry {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

asio::ip::tcp::endpoint Local(int port) {
  return {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)};
}

http::response<http::string_body> Get(int port, const std::string& target) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect(Local(port));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

TEST(MetricsHttpServer, ServesMetricsHealthAndNotFound) {
  auto server = MetricsHttpServer::Start("127.0.0.1", 0);
  ASSERT_NE(server, nullptr);
  Metrics::Global().SetGauge("accord_metrics_server_test_gauge", 42);
  auto metrics = Get(server->port(), "/metrics");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_NE(metrics.body().find("accord_metrics_server_test_gauge 42"), std::string::npos)
      << metrics.body();
  EXPECT_EQ(Get(server->port(), "/healthz").result_int(), 200);
  EXPECT_EQ(Get(server->port(), "/other").result_int(), 404);
}

TEST(MetricsHttpServer, SilentClientBlocksNeitherScrapesNorTheStop) {
  auto server = MetricsHttpServer::Start("127.0.0.1", 0);
  ASSERT_NE(server, nullptr);
  asio::io_context io;
  asio::ip::tcp::socket silent(io);
  silent.connect(Local(server->port()));
  // Half a request: the server is now waiting for the rest of the header.
  asio::write(silent, asio::buffer(std::string("GET /metrics HTTP/1.1\r\n")));

  auto begin = Clock::now();
  EXPECT_EQ(Get(server->port(), "/healthz").result_int(), 200);
  EXPECT_LT(Clock::now() - begin, std::chrono::seconds(2)) << "the scrape waited on the silent client";

  begin = Clock::now();
  server.reset();
  EXPECT_LT(Clock::now() - begin, std::chrono::seconds(2)) << "the stop waited on the silent client";
}

}  // namespace
}  // namespace accord::telemetry
