#include "gateway/web/web_pages.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/review/v1/review_service.pb.h"
#include "accord/risk/v1/risk.pb.h"
#include "common/api/errors.h"
#include "common/server/caller.h"
#include "gateway/request_id.h"
#include "gateway/web/html.h"
#include "gateway/web/keeper_pages.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"

namespace accord::gateway::web {

// The signed-in keeper of one request.
struct WebPages::Keeper {
  KeeperIdentity who;
  RequestHeaders headers;  // Authorization and x-accord-officer for the API calls
  std::string request_id;
  std::string today;  // YYYY-MM-DD, UTC
};

namespace {

// The method whose admission stands for "may use the dashboard": the council-wide
// compliance view. Its scope (reviews:read) is the least a keeper's key needs.
constexpr absl::string_view kKeeperProbeMethod = "accord.review.v1.ReviewService/ListAnomalies";
constexpr absl::string_view kKeeperRole = "REGISTER_KEEPER";
constexpr absl::string_view kListReviewsPath = "/accord.review.v1.ReviewService/ListReviews";
constexpr absl::string_view kPartnershipPagePrefix = "/register/partnerships/";
constexpr absl::string_view kKeeperPartnershipPrefix = "/keeper/partnerships/";
// The name search reads the register page by page; these bound one page view's work.
constexpr int kMaxSearchCalls = 20;
constexpr int kAnomalyPageSize = 1000;
constexpr int kMaxAnomalyPages = 5;
constexpr int kDuePageSize = 50;

HttpResponse Html(int status, std::string body, bool keeper) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers = {
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
      {"X-Frame-Options", "DENY"},
      {"Cache-Control", keeper ? "no-store" : "public, max-age=60"}};
  return response;
}

HttpResponse Redirect(std::string location) {
  HttpResponse response = Html(303, "", /*keeper=*/true);
  response.content_type = "text/plain";
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

HttpResponse Download(std::string body, std::string content_type, absl::string_view filename,
                      bool keeper) {
  HttpResponse response;
  response.status = 200;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  response.headers = {
      {"Content-Disposition", absl::StrCat("attachment; filename=\"", filename, "\"")},
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", keeper ? "no-store" : "public, max-age=60"}};
  return response;
}

HttpResponse NotAllowed(absl::string_view allowed, std::string body) {
  HttpResponse response = Html(405, std::move(body), false);
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

std::string HeaderValue(const RequestHeaders& headers, absl::string_view name) {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? "" : it->second;
}

std::string Today() { return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()); }

template <typename Message>
bool ParseJson(const std::string& body, Message* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(body, out, options).ok();
}

// The "message" of an error body ({"error":{"message":..}}), or "".
std::string ErrorMessageOf(const std::string& body) {
  google::protobuf::Struct parsed;
  if (!ParseJson(body, &parsed)) return "";
  auto error = parsed.fields().find("error");
  if (error == parsed.fields().end()) return "";
  const auto& fields = error->second.struct_value().fields();
  auto message = fields.find("message");
  return message == fields.end() ? "" : message->second.string_value();
}

bool HoldsRole(const Admission& admission, absl::string_view role) {
  for (const auto& [key, value] : admission.metadata) {
    if (key != server::kRolesHeader) continue;
    for (absl::string_view held : absl::StrSplit(value, ',')) {
      if (held == role) return true;
    }
  }
  return false;
}

std::string QueryOf(absl::string_view target) {
  size_t question = target.find('?');
  return question == absl::string_view::npos ? "" : std::string(target.substr(question + 1));
}

std::string Param(const std::map<std::string, std::string>& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? "" : std::string(absl::StripAsciiWhitespace(it->second));
}

bool IsFormPost(const HttpRequest& request) {
  return absl::StartsWithIgnoreCase(HeaderValue(request.headers, "content-type"),
                                    "application/x-www-form-urlencoded");
}

// A cross-site form post carries the other site's Origin; the browser's own form carries
// this gateway's. Requests without Origin (old browsers, curl) are let through: SameSite
// and the key itself protect them.
bool SameOrigin(const HttpRequest& request) {
  std::string origin = HeaderValue(request.headers, "origin");
  if (origin.empty()) return true;
  std::string host = HeaderValue(request.headers, "host");
  return origin == absl::StrCat("http://", host) || origin == absl::StrCat("https://", host);
}

std::string LoginError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      return "The API key was not accepted.";
    case absl::StatusCode::kResourceExhausted:
      return "Too many attempts with this key; wait a moment and try again.";
    default:
      return absl::StrCat("Not allowed: ", status.message());
  }
}

}  // namespace

bool IsPartnershipId(absl::string_view id) {
  if (id.size() < 3 || id.size() > 63 || !absl::ascii_islower(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

WebPages::WebPages(const RestHandler* api, const Authorizer* authorizer,
                   const BackendTable* backends, WebPagesOptions options)
    : api_(api),
      authorizer_(authorizer),
      backends_(backends),
      options_(options),
      sessions_(options.session_lifetime) {}

std::string WebPages::PageLabel(absl::string_view path) const {
  if (path == kRegisterPath || path == kKeeperPath) return std::string(path);
  if (absl::StartsWith(path, kPartnershipPagePrefix)) return "/register/partnerships/{id}";
  if (absl::StartsWith(path, kKeeperPartnershipPrefix)) return "/keeper/partnerships/{id}";
  for (absl::string_view known :
       {kStylesheetPath, kOpenDataCsvPath, kOpenDataJsonPath, kKeeperLoginPath, kKeeperLogoutPath,
        kKeeperDuePath, kKeeperRisksPath, kKeeperReportPath, kKeeperReportCsvPath}) {
    if (path == known) return std::string(path);
  }
  // Anything else under the pages' prefixes is a page that does not exist: one label each.
  if (absl::StartsWith(path, "/register/")) return "/register/*";
  if (absl::StartsWith(path, "/keeper/")) return "/keeper/*";
  return "";
}

void WebPages::HandlePage(HttpRequest request, std::string request_id, Done done) const {
  std::string path = request.target.substr(0, request.target.find('?'));
  bool get = request.method == "GET";
  if (path == kKeeperLoginPath) {
    if (request.method == "POST") return Login(request, request_id, std::move(done));
    if (!get) return done(NotAllowed("GET, POST", RenderKeeperLogin("", "")));
    HttpResponse page = Html(200, RenderKeeperLogin("", ""), true);
    return done(std::move(page));
  }
  if (path == kKeeperLogoutPath) {
    if (request.method != "POST") {
      return done(
          NotAllowed("POST", RenderRegisterMessage("Sign out", "Use the Sign out button.")));
    }
    return Logout(request, std::move(done));
  }
  if (!get) {
    return done(
        NotAllowed("GET", RenderRegisterMessage("Not allowed", "This page can only be read.")));
  }
  if (path == kStylesheetPath) {
    HttpResponse css;
    css.content_type = "text/css; charset=utf-8";
    css.body = std::string(Stylesheet());
    css.headers = {{"Cache-Control", "public, max-age=3600"},
                   {"X-Content-Type-Options", "nosniff"}};
    return done(std::move(css));
  }
  if (path == kRegisterPath) return RegisterList(request, request_id, std::move(done));
  if (path == kOpenDataCsvPath) return OpenData(true, request_id, std::move(done));
  if (path == kOpenDataJsonPath) return OpenData(false, request_id, std::move(done));
  if (absl::StartsWith(path, kPartnershipPagePrefix)) {
    std::string id = path.substr(kPartnershipPagePrefix.size());
    if (!IsPartnershipId(id)) {
      return done(Html(
          404, RenderRegisterMessage("Partnership not found", "No partnership has that address."),
          false));
    }
    return PartnershipPage(id, request_id, std::move(done));
  }
  std::string query = QueryOf(request.target);
  if (path == kKeeperPath) {
    return WithKeeper(request, request_id, std::move(done),
                      [this](std::shared_ptr<const Keeper> keeper, Done done) {
                        CompliancePage(std::move(keeper), std::move(done));
                      });
  }
  if (path == kKeeperDuePath || path == kKeeperRisksPath || path == kKeeperReportPath ||
      path == kKeeperReportCsvPath) {
    return WithKeeper(request, request_id, std::move(done),
                      [this, path, query](std::shared_ptr<const Keeper> keeper, Done done) {
                        if (path == kKeeperDuePath) return DuePage(keeper, query, std::move(done));
                        if (path == kKeeperRisksPath) {
                          return RisksPage(keeper, query, std::move(done));
                        }
                        ReportPage(keeper, query, path == kKeeperReportCsvPath, std::move(done));
                      });
  }
  if (absl::StartsWith(path, kKeeperPartnershipPrefix)) {
    std::string id = path.substr(kKeeperPartnershipPrefix.size());
    return WithKeeper(
        request, request_id, std::move(done),
        [this, id](std::shared_ptr<const Keeper> keeper, Done done) {
          if (!IsPartnershipId(id)) {
            return done(Html(
                404, RenderKeeperMessage(keeper->who, "Not found", "No partnership has that id."),
                true));
          }
          KeeperPartnershipPage(keeper, id, std::move(done));
        });
  }
  done(Html(404, RenderRegisterMessage("Page not found", "There is no page at this address."),
            false));
}

void WebPages::CallApi(std::string target, RequestHeaders headers, const std::string& request_id,
                       std::function<void(ApiAnswer)> then) const {
  HttpRequest call;
  call.method = "GET";
  call.target = std::move(target);
  call.headers = std::move(headers);
  call.headers.emplace(std::string(kRequestIdHeader), request_id);
  api_->Handle(std::move(call), [then = std::move(then)](HttpResponse response) {
    ApiAnswer answer;
    answer.status = response.status;
    answer.body = std::move(response.body);
    if (answer.status != 200) answer.message = ErrorMessageOf(answer.body);
    then(std::move(answer));
  });
}

void WebPages::LatestReview(
    const std::string& partnership, const std::string& request_id,
    std::function<void(absl::StatusOr<std::optional<ReviewOutcome>>)> then) const {
  grpc::GenericStub* stub =
      backends_ == nullptr ? nullptr : backends_->StubForPath(kListReviewsPath);
  if (stub == nullptr) return then(absl::UnavailableError("no review service"));
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
  };
  auto call = std::make_shared<Call>();
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(options_.review_deadline));
  call->context.AddMetadata(std::string(kRequestIdHeader), request_id);
  review::v1::ListReviewsRequest list;
  list.set_parent(partnership);
  list.set_page_size(1);  // newest first: the first is the latest
  bool own_buffer = false;
  grpc::Status serialized = grpc::SerializationTraits<google::protobuf::Message>::Serialize(
      list, &call->request, &own_buffer);
  if (!serialized.ok()) return then(absl::InternalError("cannot encode ListReviews"));
  stub->UnaryCall(
      &call->context, std::string(kListReviewsPath), grpc::StubOptions(), &call->request,
      &call->response, [call, then = std::move(then)](grpc::Status status) {
        if (!status.ok()) return then(api::FromGrpcStatus(status));
        review::v1::ListReviewsResponse reviews;
        grpc::Status parsed = grpc::SerializationTraits<google::protobuf::Message>::Deserialize(
            &call->response, &reviews);
        if (!parsed.ok()) return then(absl::InternalError("bad ListReviews answer"));
        if (reviews.reviews().empty()) return then(std::optional<ReviewOutcome>());
        const review::v1::Review& latest = reviews.reviews(0);
        then(std::optional<ReviewOutcome>(
            ReviewOutcome{assessment::v1::ReviewType_Name(latest.type()), latest.completed_date(),
                          review::v1::Recommendation_Name(latest.recommendation())}));
      });
}

// ---- The public register ----

void WebPages::RegisterList(const HttpRequest& request, const std::string& request_id,
                            Done done) const {
  struct State {
    RegisterListing listing;
    std::string filter;
    std::string token;
    int calls = 0;
    std::string request_id;
    Done done;
    std::function<void()> step;
  };
  auto state = std::make_shared<State>();
  state->listing.query =
      ParseRegisterQuery(ParseFormEncoded(QueryOf(request.target)), &state->listing.problems);
  state->filter = RegisterFilter(state->listing.query);
  state->token = state->listing.query.page;
  state->request_id = request_id;
  state->done = std::move(done);
  state->step = [this, weak = std::weak_ptr<State>(state)] {
    std::shared_ptr<State> s = weak.lock();
    if (!s) return;
    RegisterListing& listing = s->listing;
    int need = kRegisterPageSize - static_cast<int>(listing.partnerships.size());
    std::string target = absl::StrCat(
        "/v1/public/partnerships?",
        QueryString(
            {{"pageSize", std::to_string(need)}, {"filter", s->filter}, {"pageToken", s->token}}));
    ++s->calls;
    // A name search asks for no more rows than the page still has room for, so that no
    // matching row is skipped between one page and the next.
    CallApi(target, {}, s->request_id, [this, s](ApiAnswer answer) {
      RegisterListing& listing = s->listing;
      if (answer.status != 200) {
        listing.error = answer.status == 400
                            ? "This page link is out of date. Start again from the first page."
                            : "The register cannot be read just now. Please try again shortly.";
        int status = answer.status == 400 ? 400 : 503;
        return s->done(Html(status, RenderRegisterList(listing), false));
      }
      registry::v1::ListPublicPartnershipsResponse page;
      if (!ParseJson(answer.body, &page)) {
        listing.error = "The register's answer could not be read.";
        return s->done(Html(502, RenderRegisterList(listing), false));
      }
      for (registry::v1::PublicPartnership& p : *page.mutable_partnerships()) {
        ++listing.examined;
        if (NameMatches(p.display_name(), listing.query.q)) {
          listing.partnerships.push_back(std::move(p));
        }
      }
      s->token = page.next_page_token();
      bool searching = !listing.query.q.empty();
      if (searching && !s->token.empty() &&
          static_cast<int>(listing.partnerships.size()) < kRegisterPageSize &&
          s->calls < kMaxSearchCalls) {
        return s->step();
      }
      listing.next_page_token = s->token;
      s->done(Html(200, RenderRegisterList(listing), false));
    });
  };
  state->step();
}

void WebPages::PartnershipPage(const std::string& id, const std::string& request_id,
                               Done done) const {
  std::string name = absl::StrCat("partnerships/", id);
  CallApi(absl::StrCat("/v1/public/", name), {}, request_id,
          [this, name, request_id, done = std::move(done)](ApiAnswer answer) mutable {
            if (answer.status == 404) {
              return done(Html(404,
                               RenderRegisterMessage("Partnership not found",
                                                     "The register has no partnership with "
                                                     "that address."),
                               false));
            }
            auto partnership = std::make_shared<registry::v1::PublicPartnership>();
            if (answer.status != 200 || !ParseJson(answer.body, partnership.get())) {
              return done(Html(503,
                               RenderRegisterMessage("Register unavailable",
                                                     "The register cannot be read just now. "
                                                     "Please try again shortly."),
                               false));
            }
            LatestReview(
                name, request_id,
                [partnership, done = std::move(done)](
                    absl::StatusOr<std::optional<ReviewOutcome>> review) mutable {
                  std::optional<ReviewOutcome> outcome;
                  std::string note;
                  if (review.ok()) {
                    outcome = *std::move(review);
                  } else {
                    note = "Reviews cannot be shown just now.";
                  }
                  done(Html(200, RenderPartnershipPage(*partnership, outcome, note), false));
                });
          });
}

void WebPages::OpenData(bool csv, const std::string& request_id, Done done) const {
  CallApi(absl::StrCat("/v1/public/partnerships:export?format=", csv ? "csv" : "json"), {},
          request_id, [csv, done = std::move(done)](ApiAnswer answer) {
            if (answer.status != 200) {
              return done(Html(503,
                               RenderRegisterMessage("Open data unavailable",
                                                     "The register cannot be read just now."),
                               false));
            }
            if (!csv) {
              return done(Download(std::move(answer.body), "application/json; charset=utf-8",
                                   "partnerships-register.json", false));
            }
            registry::v1::ExportPublicPartnershipsResponse exported;
            if (!ParseJson(answer.body, &exported)) {
              return done(Html(502,
                               RenderRegisterMessage("Open data unavailable",
                                                     "The register's answer could not be read."),
                               false));
            }
            done(Download(std::move(*exported.mutable_csv()), "text/csv; charset=utf-8",
                          "partnerships-register.csv", false));
          });
}

// ---- The keeper's dashboard ----

void WebPages::Login(const HttpRequest& request, const std::string& request_id, Done done) const {
  if (!SameOrigin(request)) {
    return done(Html(403, RenderKeeperLogin("Sign in from this site's own form.", ""), true));
  }
  std::map<std::string, std::string> form =
      IsFormPost(request) ? ParseFormEncoded(request.body) : std::map<std::string, std::string>();
  std::string key = Param(form, "api_key");
  std::string officer = Param(form, "officer").substr(0, 200);
  if (key.empty() || officer.empty()) {
    return done(
        Html(400, RenderKeeperLogin("Enter your officer id and your API key.", officer), true));
  }
  RequestHeaders headers = {{"authorization", absl::StrCat("Bearer ", key)},
                            {std::string(server::kOfficerHeader), officer}};
  Admission admission = authorizer_->Admit(kKeeperProbeMethod, headers);
  absl::Status refused = admission.status;
  if (refused.ok() && !HoldsRole(admission, kKeeperRole)) {
    refused = api::Error(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                         "the dashboard needs an officer with the role REGISTER_KEEPER");
  }
  if (!refused.ok()) {
    authorizer_->Record(kKeeperProbeMethod, admission, nullptr, request_id, refused, "WEB");
    int status = refused.code() == absl::StatusCode::kUnauthenticated     ? 401
                 : refused.code() == absl::StatusCode::kResourceExhausted ? 429
                                                                          : 403;
    return done(Html(status, RenderKeeperLogin(LoginError(refused), officer), true));
  }
  std::string session = sessions_.Create(key, officer, absl::Now());
  bool secure = options_.secure_cookies ||
                absl::EqualsIgnoreCase(HeaderValue(request.headers, "x-forwarded-proto"), "https");
  HttpResponse response = Redirect(std::string(kKeeperPath));
  response.headers.emplace_back("Set-Cookie",
                                KeeperCookieHeader(session, sessions_.lifetime(), secure));
  done(std::move(response));
}

void WebPages::Logout(const HttpRequest& request, Done done) const {
  if (!SameOrigin(request)) {
    return done(Html(403, RenderKeeperLogin("Sign out from this site's own pages.", ""), true));
  }
  sessions_.End(CookieValue(request.headers, kKeeperCookie));
  bool secure = options_.secure_cookies ||
                absl::EqualsIgnoreCase(HeaderValue(request.headers, "x-forwarded-proto"), "https");
  HttpResponse response = Redirect(std::string(kKeeperLoginPath));
  response.headers.emplace_back("Set-Cookie", KeeperCookieHeader("", absl::ZeroDuration(), secure));
  done(std::move(response));
}

void WebPages::WithKeeper(const HttpRequest& request, const std::string& request_id, Done done,
                          std::function<void(std::shared_ptr<const Keeper>, Done)> page) const {
  std::string cookie = CookieValue(request.headers, kKeeperCookie);
  std::optional<KeeperSession> session = sessions_.Find(cookie, absl::Now());
  if (!session) return done(Redirect(std::string(kKeeperLoginPath)));
  auto keeper = std::make_shared<Keeper>();
  keeper->who.officer = session->officer;
  keeper->headers = {{"authorization", absl::StrCat("Bearer ", session->api_key)},
                     {std::string(server::kOfficerHeader), session->officer}};
  keeper->request_id = request_id;
  keeper->today = Today();
  // Checked on every page, so a revoked key, a departed officer or a lost role ends the
  // session at once.
  Admission admission = authorizer_->Admit(kKeeperProbeMethod, keeper->headers);
  if (admission.status.code() == absl::StatusCode::kResourceExhausted) {
    return done(Html(
        429,
        RenderKeeperMessage(keeper->who, "Too many requests", "Wait a moment and reload the page."),
        true));
  }
  absl::Status refused = admission.status;
  if (refused.ok() && !HoldsRole(admission, kKeeperRole)) {
    refused = api::Error(absl::StatusCode::kPermissionDenied, "MISSING_ROLE",
                         "the dashboard needs an officer with the role REGISTER_KEEPER");
  }
  if (!refused.ok()) {
    authorizer_->Record(kKeeperProbeMethod, admission, nullptr, request_id, refused, "WEB");
    sessions_.End(cookie);
    return done(Html(
        refused.code() == absl::StatusCode::kUnauthenticated ? 401 : 403,
        RenderKeeperLogin(absl::StrCat("Your sign-in is no longer valid. ", LoginError(refused)),
                          session->officer),
        true));
  }
  page(std::move(keeper), std::move(done));
}

void WebPages::KeeperApiError(const Keeper& keeper, const ApiAnswer& answer, absl::string_view what,
                              Done& done) const {
  if (answer.status == 401) return done(Redirect(std::string(kKeeperLoginPath)));
  std::string message = answer.message.empty()
                            ? absl::StrCat("The service answered with HTTP ", answer.status, ".")
                            : answer.message;
  int status = answer.status >= 400 && answer.status < 600 ? answer.status : 502;
  done(Html(status, RenderKeeperMessage(keeper.who, absl::StrCat("Cannot show ", what), message),
            true));
}

void WebPages::CompliancePage(std::shared_ptr<const Keeper> keeper, Done done) const {
  struct State {
    std::shared_ptr<const Keeper> keeper;
    ComplianceOverview overview;
    std::string token;
    int pages = 0;
    Done done;
    std::function<void()> step;
  };
  auto state = std::make_shared<State>();
  state->keeper = std::move(keeper);
  state->overview.as_of_date = state->keeper->today;
  state->done = std::move(done);
  state->step = [this, weak = std::weak_ptr<State>(state)] {
    std::shared_ptr<State> s = weak.lock();
    if (!s) return;
    ++s->pages;
    CallApi(
        absl::StrCat("/v1/anomalies?", QueryString({{"asOfDate", s->overview.as_of_date},
                                                    {"pageSize", std::to_string(kAnomalyPageSize)},
                                                    {"pageToken", s->token}})),
        s->keeper->headers, s->keeper->request_id, [this, s](ApiAnswer answer) {
          if (answer.status != 200) {
            return KeeperApiError(*s->keeper, answer, "compliance", s->done);
          }
          review::v1::ListAnomaliesResponse page;
          if (!ParseJson(answer.body, &page)) {
            answer.status = 502;
            return KeeperApiError(*s->keeper, answer, "compliance", s->done);
          }
          for (review::v1::Anomaly& a : *page.mutable_anomalies()) {
            s->overview.anomalies.push_back(std::move(a));
          }
          s->token = page.next_page_token();
          if (!s->token.empty() && s->pages < kMaxAnomalyPages) return s->step();
          s->overview.truncated = !s->token.empty();
          s->done(Html(200, RenderCompliance(s->keeper->who, s->overview), true));
        });
  };
  state->step();
}

void WebPages::KeeperPartnershipPage(std::shared_ptr<const Keeper> keeper, const std::string& id,
                                     Done done) const {
  std::string name = absl::StrCat("partnerships/", id);
  CallApi(
      absl::StrCat("/v1/", name, "/compliance?asOfDate=", keeper->today), keeper->headers,
      keeper->request_id, [this, keeper, name, done = std::move(done)](ApiAnswer answer) mutable {
        if (answer.status != 200) return KeeperApiError(*keeper, answer, "compliance", done);
        auto compliance = std::make_shared<review::v1::Compliance>();
        if (!ParseJson(answer.body, compliance.get())) {
          answer.status = 502;
          return KeeperApiError(*keeper, answer, "compliance", done);
        }
        CallApi(absl::StrCat("/v1/", name, "/riskHeatMap"), keeper->headers, keeper->request_id,
                [this, keeper, compliance, done = std::move(done)](ApiAnswer answer) mutable {
                  risk::v1::HeatMap map;
                  if (answer.status != 200 || !ParseJson(answer.body, &map)) {
                    return KeeperApiError(*keeper, answer, "the risk heat map", done);
                  }
                  done(Html(200, RenderPartnershipCompliance(keeper->who, *compliance, map), true));
                });
      });
}

void WebPages::DuePage(std::shared_ptr<const Keeper> keeper, const std::string& query,
                       Done done) const {
  std::map<std::string, std::string> params = ParseFormEncoded(query);
  auto due = std::make_shared<DueWork>();
  due->as_of_date = keeper->today;
  int within = 30;
  if (std::string text = Param(params, "within");
      !text.empty() && (!absl::SimpleAtoi(text, &within) || within < 0 || within > 3660)) {
    within = 30;
  }
  due->within_days = within;
  due->overdue_only = Param(params, "overdue") == "1";
  due->page = Param(params, "page");
  CallApi(
      absl::StrCat("/v1/dueItems?", QueryString({{"asOfDate", due->as_of_date},
                                                 {"withinDays", std::to_string(due->within_days)},
                                                 {"overdueOnly", due->overdue_only ? "true" : ""},
                                                 {"pageSize", std::to_string(kDuePageSize)},
                                                 {"pageToken", due->page}})),
      keeper->headers, keeper->request_id,
      [this, keeper, due, done = std::move(done)](ApiAnswer answer) mutable {
        review::v1::ListDueItemsResponse page;
        if (answer.status != 200 || !ParseJson(answer.body, &page)) {
          return KeeperApiError(*keeper, answer, "due work", done);
        }
        due->items.assign(page.items().begin(), page.items().end());
        due->next_page_token = page.next_page_token();
        done(Html(200, RenderDueWork(keeper->who, *due), true));
      });
}

void WebPages::RisksPage(std::shared_ptr<const Keeper> keeper, const std::string& query,
                         Done done) const {
  std::string partnership = Param(ParseFormEncoded(query), "partnership");
  if (absl::StartsWith(partnership, "partnerships/")) partnership.erase(0, 13);
  if (!partnership.empty() && !IsPartnershipId(partnership)) {
    return done(Html(400,
                     RenderKeeperMessage(keeper->who, "Cannot show the risk heat map",
                                         "partnership: not a partnership id (3 to 63 lower-case "
                                         "letters, digits and hyphens)"),
                     true));
  }
  CallApi(
      absl::StrCat("/v1/partnerships/", partnership.empty() ? "-" : partnership, "/riskHeatMap"),
      keeper->headers, keeper->request_id,
      [this, keeper, partnership, done = std::move(done)](ApiAnswer answer) mutable {
        risk::v1::HeatMap map;
        if (answer.status != 200 || !ParseJson(answer.body, &map)) {
          return KeeperApiError(*keeper, answer, "the risk heat map", done);
        }
        done(Html(200, RenderHeatMapPage(keeper->who, partnership, map), true));
      });
}

void WebPages::ReportPage(std::shared_ptr<const Keeper> keeper, const std::string& query, bool csv,
                          Done done) const {
  std::string year_text = Param(ParseFormEncoded(query), "year");
  int year = 0;
  if (year_text.empty()) {
    year = absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year();
  } else if (!absl::SimpleAtoi(year_text, &year) || year < 2000 || year > 2100) {
    return done(Html(400,
                     RenderKeeperMessage(keeper->who, "Cannot show the annual report",
                                         "year: a year from 2000 to 2100"),
                     true));
  }
  CallApi(absl::StrCat("/v1/annualReports/", year), keeper->headers, keeper->request_id,
          [this, keeper, csv, year, done = std::move(done)](ApiAnswer answer) mutable {
            review::v1::AnnualReport report;
            if (answer.status != 200 || !ParseJson(answer.body, &report)) {
              return KeeperApiError(*keeper, answer, "the annual report", done);
            }
            if (csv) {
              return done(Download(std::move(*report.mutable_csv()), "text/csv; charset=utf-8",
                                   absl::StrCat("annual-report-", year, ".csv"), true));
            }
            done(Html(200, RenderAnnualReport(keeper->who, report), true));
          });
}

}  // namespace accord::gateway::web
