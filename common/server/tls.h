// Mutual TLS between Accord's processes: the gateway and every service present certificates
// signed by the council's CA and refuse peers that do not. Configured by --tls_cert,
// --tls_key and --tls_ca (all three or none); without them everything is insecure, as in
// local development and tests.
#ifndef ACCORD_COMMON_SERVER_TLS_H_
#define ACCORD_COMMON_SERVER_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server/config.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace accord::server {

struct TlsFiles {
  std::string cert;  // PEM certificate chain of this process
  std::string key;   // PEM private key
  std::string ca;    // PEM CA certificates that sign peers
  bool enabled() const { return !cert.empty(); }
};

// Reads --tls_cert, --tls_key and --tls_ca (ACCORD_TLS_CERT, ACCORD_TLS_KEY, ACCORD_TLS_CA).
// Stops the process, naming the flag, when only some are given or a file cannot be read.
TlsFiles ReadTlsFlags(Config& config);

// Server credentials that require and verify a client certificate signed by files.ca.
// Insecure credentials when TLS is not enabled. FAILED_PRECONDITION naming the flag when a
// file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const TlsFiles& files);

// Channel credentials presenting files.cert and trusting only files.ca; insecure when TLS
// is not enabled.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const TlsFiles& files);

// The credentials this process uses for calls to its peers (PeerChannel). Insecure until
// SetPeerCredentials; set it once in main(), before any peer channel is used.
std::shared_ptr<grpc::ChannelCredentials> PeerCredentials();
void SetPeerCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials);

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_TLS_H_
