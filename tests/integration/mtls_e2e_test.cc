// Mutual TLS between Accord's processes: a real accord-registry started with the development
// certificates (scripts/dev-certs.sh) serves callers that present a certificate from the
// Accord CA and refuses every other caller.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/process.h"

namespace accord::testing {
namespace {

namespace reg = accord::registry::v1;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class MutualTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string& d = dir_->path();
    std::string script = absl::StrCat("bash " ACCORD_PROTOCOLS_DIR "/../scripts/dev-certs.sh ",
                                      d, "/certs > /dev/null");
    ASSERT_EQ(std::system(script.c_str()), 0);
    registry_ = new Process(
        ACCORD_REGISTRY_BIN,
        {"--data_dir=" + d + "/registry", "--grpc_port=0", "--metrics_port=-1",
         "--port_file=" + d + "/registry.port", "--tls_cert=" + d + "/certs/accord.pem",
         "--tls_key=" + d + "/certs/accord.key", "--tls_ca=" + d + "/certs/ca.pem"},
        d + "/registry.log");
    port_ = WaitForPortFile(d + "/registry.port");
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(registry_->Terminate(), 0);
    delete registry_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(port_, 0) << Tail(dir_->path() + "/registry.log");
  }

  static grpc::StatusCode Call(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = reg::RegistryService::NewStub(
        grpc::CreateChannel(absl::StrCat("localhost:", port_), credentials));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    reg::GetPartnershipRequest get;
    get.set_name("partnerships/nobody");
    reg::Partnership out;
    return stub->GetPartnership(&ctx, get, &out).error_code();
  }
  static std::shared_ptr<grpc::ChannelCredentials> Presenting(const std::string& name) {
    const std::string certs = dir_->path() + "/certs/";
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(certs + "ca.pem");
    if (!name.empty()) {
      options.pem_cert_chain = Read(certs + name + ".pem");
      options.pem_private_key = Read(certs + name + ".key");
    }
    return grpc::SslCredentials(options);
  }

  static TempDir* dir_;
  static Process* registry_;
  static int port_;
};

TempDir* MutualTls::dir_ = nullptr;
Process* MutualTls::registry_ = nullptr;
int MutualTls::port_ = 0;

TEST_F(MutualTls, ACallerWithTheCasCertificateIsServed) {
  EXPECT_EQ(Call(Presenting("accord")), grpc::StatusCode::NOT_FOUND);
}

TEST_F(MutualTls, ACallerWithoutACertificateIsRefused) {
  EXPECT_EQ(Call(Presenting("")), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Call(grpc::InsecureChannelCredentials()), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTls, ACertificateFromAnotherCaIsRefused) {
  EXPECT_EQ(Call(Presenting("other-ca-client")), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTls, AnExpiredCertificateIsRefused) {
  EXPECT_EQ(Call(Presenting("expired-client")), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace accord::testing
