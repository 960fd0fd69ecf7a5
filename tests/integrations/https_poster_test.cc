// Webhook deliveries over https to a real TLS receiver (Boost.Beast, port 0, certificates
// from scripts/dev-certs.sh): a receiver whose certificate chains to the trusted CA gets the
// POST; one the poster does not trust gets nothing and the failure names TLS.
#include <atomic>
#include <utility>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/http_poster.h"
#include "services/integrations/webhook_url.h"
#include "tests/common/temp_dir.h"

namespace accord::integrations {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;

// Serves one https connection at a time, answering 200 and keeping each body.
class TlsReceiver {
 public:
  explicit TlsReceiver(const std::string& certs)
      : tls_(ssl::context::tls_server), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain_file(certs + "/accord.pem");
    tls_.use_private_key_file(certs + "/accord.key", ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsReceiver() {
    stopping_ = true;
    boost::system::error_code ec;
    asio::ip::tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)}, ec);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(stream, buffer, request, ec);
      if (ec) continue;
      {
        absl::MutexLock lock(&mu_);
        bodies_.push_back(request.body());
      }
      http::response<http::string_body> response{http::status::ok, 11};
      response.body() = "ok";
      response.prepare_payload();
      http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context io_;
  ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
};

class HttpsPoster : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string script = absl::StrCat("bash " ACCORD_SOURCE_DIR "/scripts/dev-certs.sh ",
                                      dir_.path(), " > /dev/null");
    ASSERT_EQ(std::system(script.c_str()), 0);
    receiver_ = std::make_unique<TlsReceiver>(dir_.path());
    auto url = ParseWebhookUrl(
        absl::StrCat("https://localhost:", receiver_->port(), "/hooks/accord"), "target_url");
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
  }

  accord::testing::TempDir dir_;
  std::unique_ptr<TlsReceiver> receiver_;
  WebhookUrl url_;
};

TEST_F(HttpsPoster, DeliversToAReceiverWhoseCertificateChainsToTheTrustedCa) {
  HttpPoster poster(dir_.path() + "/ca.pem");
  absl::StatusOr<int> status =
      poster.Post(url_, {{"Content-Type", "application/json"}}, R"({"n":1})", absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, 200);
  EXPECT_THAT(receiver_->bodies(), ::testing::ElementsAre(R"({"n":1})"));
}

TEST_F(HttpsPoster, RefusesAReceiverItDoesNotTrustAndSendsNothing) {
  HttpPoster poster;  // the system's trust store, which has never heard of the test CA
  absl::StatusOr<int> status =
      poster.Post(url_, {{"Content-Type", "application/json"}}, R"({"n":2})", absl::Seconds(5));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.status().message(), ::testing::HasSubstr("TLS"));
  EXPECT_TRUE(receiver_->bodies().empty());
}

}  // namespace
}  // namespace accord::integrations
