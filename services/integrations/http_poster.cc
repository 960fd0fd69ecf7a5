#include "services/integrations/http_poster.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>

#include "absl/strings/str_cat.h"

namespace accord::integrations {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

absl::Status Failed(absl::string_view what, const beast::error_code& ec) {
  return absl::UnavailableError(absl::StrCat(what, ": ", ec.message()));
}

template <typename Stream>
absl::StatusOr<int> Exchange(Stream& stream, const WebhookUrl& url,
                             const std::map<std::string, std::string>& headers,
                             const std::string& body) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "accord-webhooks/1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::error_code ec;
  http::write(stream, request, ec);
  if (ec) return Failed("write", ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);  // a receiver's answer is not read beyond this
  http::read(stream, buffer, parser, ec);
  if (ec && ec != http::error::body_limit) return Failed("read", ec);
  return static_cast<int>(parser.get().result_int());
}

}  // namespace

HttpPoster::HttpPoster(const std::string& ca_file)
    : tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
  tls_->set_verify_mode(asio::ssl::verify_peer);
  if (ca_file.empty()) {
    tls_->set_default_verify_paths();
  } else {
    tls_->load_verify_file(ca_file);
  }
}

HttpPoster::~HttpPoster() = default;

absl::StatusOr<int> HttpPoster::Post(const WebhookUrl& url,
                                     const std::map<std::string, std::string>& headers,
                                     const std::string& body, absl::Duration timeout) const {
  asio::io_context io;
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return Failed(absl::StrCat("resolve ", url.host), ec);
  auto expiry = std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout));
  if (!url.https) {
    beast::tcp_stream stream(io);
    stream.expires_after(expiry);
    stream.connect(endpoints, ec);
    if (ec) return Failed("connect", ec);
    auto status = Exchange(stream, url, headers, body);
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return status;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, *tls_);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    return absl::UnavailableError("TLS: cannot set the server name");
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_after(expiry);
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return Failed("connect", ec);
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Failed("TLS handshake", ec);
  auto status = Exchange(stream, url, headers, body);
  stream.shutdown(ec);  // the receiver may just close; its answer is already in
  return status;
}

}  // namespace accord::integrations
