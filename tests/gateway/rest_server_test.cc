// RestServer's drain on shutdown, against real sockets on a kernel-chosen port: every
// request whose handler ran is answered, idle keep-alive connections do not hold the stop
// for the grace period, and an answer given while draining closes its connection.
#include "gateway/http/rest_server.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/http/rest_handler.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Claims every path and answers each request after `delay`, from a thread of its own (as a
// backend completion would), counting the requests it was given.
class DelayedPages : public PageHandler {
 public:
  explicit DelayedPages(absl::Duration delay) : delay_(delay) {}
  ~DelayedPages() override { JoinAll(); }

  std::string PageLabel(absl::string_view) const override { return "test"; }

  void HandlePage(HttpRequest request, std::string,
                  std::function<void(HttpResponse)> done) const override {
    ++started_;
    absl::MutexLock lock(&mu_);
    threads_.emplace_back([this, done = std::move(done), target = request.target] {
      absl::SleepFor(delay_);
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = target;
      done(std::move(response));
    });
  }

  void JoinAll() {
    std::vector<std::thread> threads;
    {
      absl::MutexLock lock(&mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  int started() const { return started_.load(); }

 private:
  absl::Duration delay_;
  mutable std::atomic<int> started_{0};
  mutable absl::Mutex mu_;
  mutable std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

struct Fixture {
  explicit Fixture(absl::Duration delay) : pages(delay), handler(&routes, nullptr, nullptr,
                                                                 absl::Seconds(5)) {
    handler.SetPageHandler(&pages);
    RestServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    auto started = RestServer::Start(options, &handler);
    EXPECT_TRUE(started.ok()) << started.status();
    server = *std::move(started);
  }
  RouteTable routes;
  DelayedPages pages;
  RestHandler handler;
  std::unique_ptr<RestServer> server;
};

struct Answer {
  int status = 0;  // 0: no answer (connection refused or closed)
  std::string body;
  bool keep_alive = false;
};

Answer Exchange(asio::ip::tcp::socket& socket, const std::string& target) {
  Answer answer;
  boost::system::error_code ec;
  http::request<http::string_body> request(http::verb::post, target, 11);
  request.set(http::field::host, "127.0.0.1");
  request.body() = "{}";
  request.prepare_payload();
  http::write(socket, request, ec);
  if (ec) return answer;
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response, ec);
  if (ec) return answer;
  answer.status = response.result_int();
  answer.body = response.body();
  answer.keep_alive = response.keep_alive();
  return answer;
}

// On a fresh connection, with a 10 s limit: once the server has stopped, its port may be
// taken by another program on the machine that never answers.
Answer CallOnce(int port, const std::string& target) {
  asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  Answer answer;
  auto request = std::make_shared<http::request<http::string_body>>(http::verb::post, target, 11);
  request->set(http::field::host, "127.0.0.1");
  request->body() = "{}";
  request->prepare_payload();
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  stream.async_connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)},
      [&](boost::system::error_code ec) {
        if (ec) return;
        http::async_write(stream, *request, [&](boost::system::error_code ec, size_t) {
          if (ec) return;
          http::async_read(stream, buffer, response, [&](boost::system::error_code ec, size_t) {
            if (ec) return;
            answer.status = response.result_int();
            answer.body = response.body();
            answer.keep_alive = response.keep_alive();
          });
        });
      });
  io.run();
  return answer;
}

TEST(RestServerDrain, EveryRequestWhoseHandlerRanIsAnswered) {
  // Clients call without pause on fresh connections while the server shuts down: a
  // request the server read must get its answer, never a closed connection.
  int rounds = 0, answered_total = 0;
  for (int round = 0; round < 30; ++round) {
    Fixture fixture(absl::Milliseconds(5));
    const int port = fixture.server->port();
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 6; ++c) {
      clients.emplace_back([&, c] {
        for (int n = 0; !stop.load(); ++n) {
          Answer answer = CallOnce(port, "/t/" + std::to_string(c) + "/" + std::to_string(n));
          if (answer.status == 200) ++answered;
          if (answer.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + round % 7));
    fixture.server->Shutdown(absl::Seconds(5));
    stop = true;
    for (auto& t : clients) t.join();
    fixture.pages.JoinAll();
    EXPECT_EQ(fixture.pages.started(), answered.load()) << "round " << round;
    answered_total += answered.load();
    ++rounds;
  }
  EXPECT_EQ(rounds, 30);
  EXPECT_GT(answered_total, 30) << "too few requests were served to prove anything";
}

TEST(RestServerDrain, IdleKeepAliveConnectionDoesNotHoldTheStop) {
  Fixture fixture(absl::ZeroDuration());
  asio::io_context io;
  asio::ip::tcp::socket idle(io);
  idle.connect({asio::ip::make_address("127.0.0.1"),
                static_cast<uint16_t>(fixture.server->port())});
  Answer first = Exchange(idle, "/first");
  ASSERT_EQ(first.status, 200);
  ASSERT_TRUE(first.keep_alive);

  absl::Time begin = absl::Now();
  fixture.server->Shutdown(absl::Seconds(20));
  // The idle connection is ended at once; the grace period is for requests in flight.
  EXPECT_LT(absl::Now() - begin, absl::Seconds(10));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  boost::system::error_code ec;
  http::read(idle, buffer, response, ec);
  EXPECT_TRUE(ec) << "the idle connection should have been closed";
}

TEST(RestServerDrain, RequestInFlightIsAnsweredAndItsConnectionClosed) {
  Fixture fixture(absl::Milliseconds(300));
  const int port = fixture.server->port();
  Answer answer;
  std::thread client([&] { answer = CallOnce(port, "/slow"); });
  // Shut down once the request is with the handler.
  for (int i = 0; i < 500 && fixture.pages.started() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(fixture.pages.started(), 1);
  fixture.server->Shutdown(absl::Seconds(10));
  client.join();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "/slow");
  EXPECT_FALSE(answer.keep_alive) << "a draining server closes after the answer";
  // And nothing is accepted any more.
  EXPECT_EQ(CallOnce(port, "/late").status, 0);
}

TEST(RestServerDrain, StopWithNoConnectionClosesTheListenerBeforeReturning) {
  // Nothing to wait for, so the stop is quick; the listener must still be closed by the
  // time it returns, or a client could connect to a server that will never answer.
  for (int round = 0; round < 20; ++round) {
    Fixture fixture(absl::ZeroDuration());
    const int port = fixture.server->port();
    fixture.server->Shutdown(absl::Seconds(5));
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
    EXPECT_EQ(ec, asio::error::connection_refused) << "round " << round << ": " << ec.message();
  }
}

}  // namespace
}  // namespace accord::gateway
