// accord-probe: asks an Accord process whether it is serving, through the standard gRPC
// health service (grpc.health.v1.Health/Check). Container health checks and Kubernetes exec
// probes run it; the runtime images carry no other gRPC client.
//
//   accord-probe <host:port> [--service NAME] [--deadline_ms 2000]
//                [--tls_cert PEM --tls_key PEM --tls_ca PEM]
//
// Exit 0 when the answer is SERVING; 1 for any other answer, an error or no answer within
// the deadline; 2 for bad usage. One line on stderr either way. The TLS flags fall back to
// ACCORD_TLS_CERT, ACCORD_TLS_KEY and ACCORD_TLS_CA like every Accord process's, so inside a
// container that runs with mutual TLS the probe presents the process's own certificate
// without being told (the certificate must then name the host the probe dials, for example
// localhost).
//
// The two messages are tiny, so they are encoded by hand and sent through a generic stub:
// the probe needs no generated code. HealthCheckRequest is {1: string service};
// HealthCheckResponse is {1: enum status} with UNKNOWN=0, SERVING=1, NOT_SERVING=2,
// SERVICE_UNKNOWN=3.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/server/config.h"
#include "common/server/tls.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"

namespace {

constexpr char kCheckMethod[] = "/grpc.health.v1.Health/Check";

void AppendVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool ReadVarint(const std::string& in, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && *pos < in.size(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in[(*pos)++]);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::string EncodeRequest(const std::string& service) {
  std::string out;
  if (service.empty()) return out;  // proto3 leaves an empty string out
  out.push_back(0x0a);              // field 1, length-delimited
  AppendVarint(&out, service.size());
  out += service;
  return out;
}

// The status field of a HealthCheckResponse (0 when absent), or nullopt when malformed.
std::optional<uint64_t> DecodeStatus(const std::string& in) {
  uint64_t status = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    uint64_t key = 0;
    if (!ReadVarint(in, &pos, &key)) return std::nullopt;
    uint64_t field = key >> 3, wire = key & 7, value = 0;
    switch (wire) {
      case 0:
        if (!ReadVarint(in, &pos, &value)) return std::nullopt;
        if (field == 1) status = value;
        break;
      case 1:
        pos += 8;
        break;
      case 2:
        if (!ReadVarint(in, &pos, &value) || value > in.size() - pos) return std::nullopt;
        pos += value;
        break;
      case 5:
        pos += 4;
        break;
      default:
        return std::nullopt;
    }
    if (pos > in.size()) return std::nullopt;
  }
  return status;
}

const char* StatusName(uint64_t status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return "unrecognised status";
  }
}

int Run(int argc, char** argv) {
  // The address is the first argument; the rest are flags.
  std::string address;
  std::vector<char*> flags = {argv[0]};
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") help = true;
    if (i == 1 && !arg.empty() && arg[0] != '-') {
      address = arg;
    } else {
      flags.push_back(argv[i]);
    }
  }
  if (help) {
    std::printf(
        "accord-probe <host:port>: exit 0 when grpc.health.v1.Health/Check answers "
        "SERVING, else 1\n");
  }
  accord::server::Config config(static_cast<int>(flags.size()), flags.data());
  std::string service = config.String("service", "ACCORD_PROBE_SERVICE", "",
                                      "health service name to ask about; empty: the server");
  int64_t deadline_ms = config.Int("deadline_ms", "ACCORD_PROBE_DEADLINE_MS", 2000,
                                   "how long to wait for the answer", 1, 600000);
  accord::server::TlsFiles tls = accord::server::ReadTlsFlags(config);
  config.Finish();
  if (address.empty()) {
    std::fprintf(stderr, "accord-probe: give the address to check, as host:port\n");
    return 2;
  }

  auto credentials = accord::server::ChannelCredentialsFor(tls);
  if (!credentials.ok()) {
    std::fprintf(stderr, "accord-probe: %s\n", std::string(credentials.status().message()).c_str());
    return 2;
  }
  grpc::GenericStub stub(grpc::CreateChannel(address, *credentials));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  grpc::Slice slice(EncodeRequest(service));
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, kCheckMethod, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  std::string what = service.empty() ? address : absl::StrCat(address, " (", service, ")");
  if (!status.ok()) {
    std::fprintf(stderr, "accord-probe: %s: no answer: %s (code %d)\n", what.c_str(),
                 status.error_message().c_str(), static_cast<int>(status.error_code()));
    return 1;
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices)
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  std::optional<uint64_t> serving = DecodeStatus(bytes);
  if (!serving) {
    std::fprintf(stderr, "accord-probe: %s: malformed health answer\n", what.c_str());
    return 1;
  }
  std::fprintf(stderr, "accord-probe: %s: %s\n", what.c_str(), StatusName(*serving));
  return *serving == 1 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
