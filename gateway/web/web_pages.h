// The REST port's web pages: the public register (no key) and the register keeper's
// dashboard (signed in; keeper_sessions.h). Thin: each page makes the same REST calls a
// client would, through the gateway's own RestHandler, so the pages get exactly the
// authorisation, rate limits, audit and logs of the API, then renders the answer with
// register_pages.h or keeper_pages.h.
//
// The public pages call only the register's public methods (GetPublicPartnership,
// ListPublicPartnerships, ExportPublicPartnerships), which need no key and return the
// public view, without any confidential field group. The one exception is the latest review
// outcome on a partnership's page: the gateway reads the newest review from the review
// service itself and keeps three fields (type, completed date, recommendation).
//
// The dashboard calls the review and risk services with the keeper's key and officer id,
// after checking on every page that the officer still holds the REGISTER_KEEPER role.
#ifndef ACCORD_GATEWAY_WEB_WEB_PAGES_H_
#define ACCORD_GATEWAY_WEB_WEB_PAGES_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "gateway/http/rest_handler.h"
#include "gateway/web/keeper_sessions.h"
#include "gateway/web/register_pages.h"

namespace accord::gateway::web {

struct WebPagesOptions {
  // Marks the session cookie Secure even without X-Forwarded-Proto: https (set it when a
  // TLS proxy that does not send that header fronts the gateway).
  bool secure_cookies = false;
  absl::Duration session_lifetime = absl::Hours(8);
  absl::Duration review_deadline = absl::Seconds(5);
};

class WebPages : public PageHandler {
 public:
  // Nothing is owned; everything must outlive the pages. `backends` serves the latest
  // review lookup; without a review service the partnership page says reviews are not
  // available.
  WebPages(const RestHandler* api, const Authorizer* authorizer, const BackendTable* backends,
           WebPagesOptions options);

  std::string PageLabel(absl::string_view path) const override;
  void HandlePage(HttpRequest request, std::string request_id,
                  std::function<void(HttpResponse)> done) const override;

  // The REST API's answer to an internal GET: HTTP status, body and, for an error, the
  // error's message.
  struct ApiAnswer {
    int status = 0;
    std::string body;
    std::string message;
  };

 private:
  using Done = std::function<void(HttpResponse)>;
  struct Keeper;

  void CallApi(std::string target, RequestHeaders headers, const std::string& request_id,
               std::function<void(ApiAnswer)> then) const;
  void LatestReview(const std::string& partnership, const std::string& request_id,
                    std::function<void(absl::StatusOr<std::optional<ReviewOutcome>>)> then) const;

  void RegisterList(const HttpRequest& request, const std::string& request_id, Done done) const;
  void PartnershipPage(const std::string& id, const std::string& request_id, Done done) const;
  void OpenData(bool csv, const std::string& request_id, Done done) const;

  void Login(const HttpRequest& request, const std::string& request_id, Done done) const;
  void Logout(const HttpRequest& request, Done done) const;
  // Calls `page` with the signed-in keeper, or answers with a redirect to the sign-in form.
  void WithKeeper(const HttpRequest& request, const std::string& request_id, Done done,
                  std::function<void(std::shared_ptr<const Keeper>, Done)> page) const;
  void CompliancePage(std::shared_ptr<const Keeper> keeper, Done done) const;
  void KeeperPartnershipPage(std::shared_ptr<const Keeper> keeper, const std::string& id,
                             Done done) const;
  void DuePage(std::shared_ptr<const Keeper> keeper, const std::string& query, Done done) const;
  void RisksPage(std::shared_ptr<const Keeper> keeper, const std::string& query, Done done) const;
  void ReportPage(std::shared_ptr<const Keeper> keeper, const std::string& query, bool csv,
                  Done done) const;
  // The error page (or sign-in redirect for a key no longer accepted) for a failed call.
  void KeeperApiError(const Keeper& keeper, const ApiAnswer& answer, absl::string_view what,
                      Done& done) const;

  const RestHandler* api_;
  const Authorizer* authorizer_;
  const BackendTable* backends_;
  WebPagesOptions options_;
  mutable KeeperSessions sessions_;
};

// Whether `id` is a partnership id (AIP-122: 3-63 of a-z 0-9 -, starting with a letter).
bool IsPartnershipId(absl::string_view id);

}  // namespace accord::gateway::web

#endif  // ACCORD_GATEWAY_WEB_WEB_PAGES_H_
