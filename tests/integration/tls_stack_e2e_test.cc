// The whole stack with mutual TLS between its processes (ACCORD_TLS_* set for every
// process, as an operator's deployment would): calls through the gateway reach the
// services, the services follow each other's feeds over TLS, and a plaintext caller is
// refused by every service.
#include <chrono>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/http_client.h"
#include "tests/integration/stack.h"

namespace accord::testing {
namespace {

namespace reg = accord::registry::v1;

class TlsStack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    std::string script = absl::StrCat("bash " ACCORD_PROTOCOLS_DIR "/../scripts/dev-certs.sh ",
                                      certs_->path(), " > /dev/null");
    ASSERT_EQ(std::system(script.c_str()), 0);
    // Every process the stack starts inherits these (the flags' environment fallbacks).
    setenv("ACCORD_TLS_CERT", (certs_->path() + "/accord.pem").c_str(), 1);
    setenv("ACCORD_TLS_KEY", (certs_->path() + "/accord.key").c_str(), 1);
    setenv("ACCORD_TLS_CA", (certs_->path() + "/ca.pem").c_str(), 1);
    stack_ = new Stack(Stack::Options{.review = true, .integrations = true});
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(stack_->StopGracefully());
    delete stack_;
    delete certs_;
    unsetenv("ACCORD_TLS_CERT");
    unsetenv("ACCORD_TLS_KEY");
    unsetenv("ACCORD_TLS_CA");
  }
  void SetUp() override { ASSERT_TRUE(stack_->ok()) << stack_->error(); }

  // Calls the gateway acting for the register keeper (acts are recorded with their officer).
  static HttpResponse Rest(const std::string& method, const std::string& target,
                           const std::string& body = "") {
    EXPECT_TRUE(stack_->EnsureOfficer("keeper", "REGISTER_KEEPER"));
    auto headers = stack_->Auth();
    headers.emplace("x-accord-officer", "keeper");
    return HttpCall(stack_->gateway_http_port(), method, target, body, headers);
  }

  static TempDir* certs_;
  static Stack* stack_;
};

TempDir* TlsStack::certs_ = nullptr;
Stack* TlsStack::stack_ = nullptr;

TEST_F(TlsStack, GatewayReachesServicesAndServicesFollowEachOther) {
  auto created = Rest("POST", "/v1/partnerships?partnershipId=tls-one",
                      R"({"displayName":"TLS One","leadService":"Policy"})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto screened = Rest("POST", "/v1/partnerships/tls-one/screenings",
                       R"({"outcome":"IS_PARTNERSHIP","justification":"Shared service"})");
  ASSERT_EQ(screened.status, 200) << screened.body;
  // The register learns of the screening by following the assessment feed, over TLS.
  bool reflected = false;
  for (int i = 0; i < 1000 && !reflected; ++i) {
    reflected = Rest("GET", "/v1/partnerships/tls-one").body.find("\"SCREENED\"") !=
                std::string::npos;
    if (!reflected) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(reflected) << "the register never showed the screening";
  // The merged feed (integrations, following every service over TLS) has the change.
  bool merged = false;
  for (int i = 0; i < 1000 && !merged; ++i) {
    merged = Rest("GET", "/v1/changes?pageSize=100").body.find("partnerships/tls-one") !=
             std::string::npos;
    if (!merged) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(merged) << "the merged change feed never showed the partnership";
}

TEST_F(TlsStack, EveryServiceRefusesAPlaintextCaller) {
  for (int port : {stack_->registry_port(), stack_->assessment_port(), stack_->risk_port(),
                   stack_->review_port()}) {
    auto stub = reg::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    reg::GetPartnershipRequest get;
    get.set_name("partnerships/tls-one");
    reg::Partnership out;
    EXPECT_EQ(stub->GetPartnership(&ctx, get, &out).error_code(), grpc::StatusCode::UNAVAILABLE)
        << "port " << port;
  }
}

}  // namespace
}  // namespace accord::testing
