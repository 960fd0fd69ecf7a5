// A minimal blocking HTTP/1.1 client for tests (Boost.Beast), one connection per call.
#ifndef ACCORD_TESTS_INTEGRATION_HTTP_CLIENT_H_
#define ACCORD_TESTS_INTEGRATION_HTTP_CLIENT_H_

#include <map>
#include <string>

namespace accord::testing {

struct HttpResponse {
  int status = 0;  // 0 when the connection failed
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

HttpResponse HttpCall(int port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {});

}  // namespace accord::testing

#endif  // ACCORD_TESTS_INTEGRATION_HTTP_CLIENT_H_
