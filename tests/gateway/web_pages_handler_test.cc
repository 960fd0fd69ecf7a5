// The web pages behind the REST handler, with no backend: routing, methods, the sign-in
// rules that need no service, and answers when the register cannot be reached. The pages
// against a running stack are tested in a real browser (tests/browser).
#include <string>

#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "gateway/http/rest_handler.h"
#include "gateway/transcoder/route_table.h"
#include "gateway/web/web_pages.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::gateway::web {
namespace {

using ::testing::HasSubstr;

class WebPagesHandlerTest : public ::testing::Test {
 protected:
  WebPagesHandlerTest()
      : backends_(std::vector<BackendService>{}),
        handler_(&routes_, &backends_, &authorizer_, absl::Seconds(1)),
        pages_(&handler_, &authorizer_, &backends_, {}) {
    handler_.SetPageHandler(&pages_);
  }

  HttpResponse Send(std::string method, std::string target, RequestHeaders headers = {},
                    std::string body = "") {
    HttpRequest request{std::move(method), std::move(target), std::move(headers), std::move(body)};
    HttpResponse out;
    bool answered = false;
    handler_.Handle(std::move(request), [&](HttpResponse r) {
      out = std::move(r);
      answered = true;
    });
    EXPECT_TRUE(answered) << "no backend is involved, so the answer comes at once";
    return out;
  }

  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  RouteTable routes_;
  BackendTable backends_;
  AllowAllAuthorizer authorizer_;
  RestHandler handler_;
  WebPages pages_;
};

TEST_F(WebPagesHandlerTest, ServesTheStylesheetAndLeavesApiPathsToTheApi) {
  HttpResponse css = Send("GET", "/register/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_THAT(css.body, HasSubstr(":focus-visible"));
  HttpResponse api = Send("GET", "/v1/nothing-here");
  EXPECT_EQ(api.status, 404);
  EXPECT_THAT(api.body, HasSubstr("ROUTE_NOT_FOUND"));
}

TEST_F(WebPagesHandlerTest, UnknownPagesAndBadIdsAreNotFoundPages) {
  for (const char* target : {"/register/nope", "/register/partnerships/..%2Fv1",
                             "/register/partnerships/UPPER", "/keeper/nope"}) {
    HttpResponse r = Send("GET", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_THAT(r.body, HasSubstr("<!DOCTYPE html>"));
  }
}

TEST_F(WebPagesHandlerTest, PagesAreReadOnlyExceptSignInAndSignOut) {
  HttpResponse post = Send("POST", "/register");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(Header(post, "Allow"), "GET");
  HttpResponse logout = Send("GET", "/keeper/logout");
  EXPECT_EQ(logout.status, 405);
  EXPECT_EQ(Header(logout, "Allow"), "POST");
}

TEST_F(WebPagesHandlerTest, EveryPageCarriesAStrictContentSecurityPolicy) {
  HttpResponse r = Send("GET", "/keeper/login");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(Header(r, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "Cache-Control"), "no-store");
}

TEST_F(WebPagesHandlerTest, TheDashboardSendsASignedOutVisitorToTheSignInForm) {
  for (const char* target : {"/keeper", "/keeper/risks", "/keeper/annual-report.csv?year=2026"}) {
    HttpResponse r = Send("GET", target, {{"cookie", "accord_keeper=made-up"}});
    EXPECT_EQ(r.status, 303) << target;
    EXPECT_EQ(Header(r, "Location"), "/keeper/login");
  }
}

TEST_F(WebPagesHandlerTest, SignInRefusesAnotherOriginsFormAndAnOfficerWithoutTheRole) {
  RequestHeaders form = {{"content-type", "application/x-www-form-urlencoded"},
                         {"host", "council.example:8080"}};
  RequestHeaders cross = form;
  cross.emplace("origin", "https://evil.example");
  EXPECT_EQ(Send("POST", "/keeper/login", cross, "officer=kim&api_key=k").status, 403);

  RequestHeaders same = form;
  same.emplace("origin", "http://council.example:8080");
  HttpResponse missing = Send("POST", "/keeper/login", same, "officer=kim");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("Enter your officer id and your API key."));

  // This authorizer admits anyone but gives no roles: the keeper role is still required.
  HttpResponse no_role = Send("POST", "/keeper/login", same, "officer=kim&api_key=k");
  EXPECT_EQ(no_role.status, 403);
  EXPECT_THAT(no_role.body, HasSubstr("REGISTER_KEEPER"));
  EXPECT_EQ(Header(no_role, "Set-Cookie"), "");
}

TEST_F(WebPagesHandlerTest, TheListSaysSoWhenTheRegisterCannotBeRead) {
  HttpResponse r = Send("GET", "/register?status=ACTIVE");
  EXPECT_EQ(r.status, 503);
  EXPECT_THAT(r.body, HasSubstr("The register cannot be read just now."));
  EXPECT_THAT(r.body, HasSubstr("<option value=\"ACTIVE\" selected>"));
  EXPECT_EQ(Send("GET", "/register/open-data.csv").status, 503);
}

}  // namespace
}  // namespace accord::gateway::web
