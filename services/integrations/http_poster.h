// The outbound HTTP client of webhook deliveries (Boost.Beast, one connection per POST).
// https verifies the server's certificate chain and host name.
//
// Thread safety: safe to share; each Post uses its own connection.
#ifndef ACCORD_SERVICES_INTEGRATIONS_HTTP_POSTER_H_
#define ACCORD_SERVICES_INTEGRATIONS_HTTP_POSTER_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/integrations/webhook_url.h"

namespace boost::asio::ssl {
class context;
}

namespace accord::integrations {

class HttpPoster {
 public:
  // `ca_file`: PEM bundle trusted for https; empty uses the system's trust store.
  explicit HttpPoster(const std::string& ca_file = "");
  ~HttpPoster();

  // POSTs `body` to `url` with `headers`, all within `timeout`. The response status, or
  // UNAVAILABLE naming what failed (resolve, connect, TLS, write, read, time-out).
  absl::StatusOr<int> Post(const WebhookUrl& url, const std::map<std::string, std::string>& headers,
                           const std::string& body, absl::Duration timeout) const;

 private:
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_HTTP_POSTER_H_
