#include "tests/integration/http_client.h"

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/ascii.h"

namespace accord::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;

HttpResponse HttpCall(int port, const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::map<std::string, std::string>& headers) {
  HttpResponse out;
  try {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    // A server may answer (413, say) and close before reading a large body; the answer is
    // what matters, so a failed write still reads the response.
    boost::system::error_code write_error;
    http::write(socket, request, write_error);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket, buffer, parser);
    auto& response = parser.get();
    out.status = response.result_int();
    out.body = response.body();
    for (const auto& field : response) {
      out.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
          std::string(field.value());
    }
  } catch (const std::exception& e) {
    out.status = 0;
    out.body = e.what();
  }
  return out;
}

}  // namespace accord::testing
