#include "common/server/tls.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace accord::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("--", flag, ": cannot read ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

struct Pem {
  std::string cert, key, ca;
};

absl::StatusOr<Pem> ReadPem(const TlsFiles& files) {
  Pem pem;
  for (auto [path, flag, out] : {std::tuple{&files.cert, "tls_cert", &pem.cert},
                                 std::tuple{&files.key, "tls_key", &pem.key},
                                 std::tuple{&files.ca, "tls_ca", &pem.ca}}) {
    absl::StatusOr<std::string> content = ReadFile(*path, flag);
    if (!content.ok()) return content.status();
    *out = *std::move(content);
  }
  return pem;
}

absl::Mutex peer_mu;
std::shared_ptr<grpc::ChannelCredentials>& PeerSlot() {
  static auto* slot = new std::shared_ptr<grpc::ChannelCredentials>();
  return *slot;
}

}  // namespace

TlsFiles ReadTlsFlags(Config& config) {
  TlsFiles files;
  files.cert = config.String("tls_cert", "ACCORD_TLS_CERT", "",
                             "PEM certificate for mutual TLS between Accord processes");
  files.key = config.String("tls_key", "ACCORD_TLS_KEY", "", "PEM private key of --tls_cert");
  files.ca = config.String("tls_ca", "ACCORD_TLS_CA", "",
                           "PEM CA that signs every Accord process's certificate");
  int given = !files.cert.empty() + !files.key.empty() + !files.ca.empty();
  if (given != 0 && given != 3) {
    std::fprintf(stderr, "--tls_cert, --tls_key and --tls_ca: give all three or none\n");
    std::exit(2);
  }
  if (given == 3) {
    if (absl::StatusOr<Pem> pem = ReadPem(files); !pem.ok()) {
      std::fprintf(stderr, "%s\n", std::string(pem.status().message()).c_str());
      std::exit(2);
    }
  }
  return files;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureServerCredentials();
  absl::StatusOr<Pem> pem = ReadPem(files);
  if (!pem.ok()) return pem.status();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = pem->ca;
  options.pem_key_cert_pairs.push_back({pem->key, pem->cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureChannelCredentials();
  absl::StatusOr<Pem> pem = ReadPem(files);
  if (!pem.ok()) return pem.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem->ca;
  options.pem_private_key = pem->key;
  options.pem_cert_chain = pem->cert;
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> PeerCredentials() {
  absl::MutexLock lock(&peer_mu);
  std::shared_ptr<grpc::ChannelCredentials>& slot = PeerSlot();
  if (!slot) slot = grpc::InsecureChannelCredentials();
  return slot;
}

void SetPeerCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
  absl::MutexLock lock(&peer_mu);
  PeerSlot() = std::move(credentials);
}

}  // namespace accord::server
