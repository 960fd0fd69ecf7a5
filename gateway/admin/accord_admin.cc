// accord-admin: API key operations against the running gateway, over its local admin
// address (the gateway owns its store; RocksDB allows one process per store).
//
//   accord-admin --admin_address=unix:.data/gateway/admin.sock keys create 
//       --client finance --scopes partnerships:read [--acts-for-officers]
//   accord-admin ... keys list | keys rotate ID | keys revoke ID
//   accord-admin keys hash --client hr --scopes officers:write   (for --api_keys_file)
//
// `create` and `rotate` print the key once, on its own line, and never again.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "accord/gateway/v1/admin_service.grpc.pb.h"
#include "gateway/auth/api_key_secret.h"
#include "gateway/auth/keys_file.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"

namespace {

namespace v1 = accord::gateway::v1;

int Usage() {
  std::fprintf(stderr,
               "usage: accord-admin [--admin_address=unix:/path|127.0.0.1:port] keys COMMAND\n"
               "  keys create --client NAME --scopes a,b[,...] [--acts-for-officers]\n"
               "  keys list\n"
               "  keys rotate ID\n"
               "  keys revoke ID\n"
               "  keys hash --client NAME --scopes a,b[,...] [--acts-for-officers]\n"
               "      (no gateway needed) a new key for --api_keys_file: prints the file's\n"
               "      line, then the key\n"
               "The address defaults to $ACCORD_GATEWAY_ADMIN_ADDRESS.\n");
  return 2;
}

int Failed(const grpc::Status& status) {
  std::fprintf(stderr, "accord-admin: %s\n", status.error_message().c_str());
  return 1;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 ? "-" : google::protobuf::util::TimeUtil::ToString(t);
}

void PrintKey(const v1::ApiKey& key) {
  std::printf("%s\tclient=%s\tscopes=%s\tacts_for_officers=%s\tcreated=%s\trotated=%s\trevoked=%s\n",
              key.name().c_str(), key.client().c_str(),
              absl::StrJoin(key.scopes(), ",").c_str(), key.acts_for_officers() ? "yes" : "no",
              Time(key.create_time()).c_str(), Time(key.rotate_time()).c_str(),
              Time(key.revoke_time()).c_str());
}

// A new key for --api_keys_file, made here without a gateway: the file's line, then the key.
int HashKey(const std::string& client, const std::string& scopes, bool acts_for_officers) {
  v1::ApiKey key;
  std::string id = accord::gateway::NewKeyId();
  std::string secret = accord::gateway::NewKeySecret();
  key.set_name("apiKeys/" + id);
  key.set_client(client);
  for (absl::string_view scope : absl::StrSplit(scopes, ',', absl::SkipEmpty())) {
    key.add_scopes(std::string(scope));
  }
  key.set_acts_for_officers(acts_for_officers);
  key.set_secret_sha256(accord::gateway::HashSecret(secret));
  if (client.empty() || client.find(' ') != std::string::npos) {
    std::fprintf(stderr, "accord-admin: --client is required and has no spaces\n");
    return 1;
  }
  // The same checks the gateway makes when it reads the file.
  auto parsed = accord::gateway::ParseKeysFile(accord::gateway::KeysFileLine(key));
  if (!parsed.ok()) {
    std::fprintf(stderr, "accord-admin: %s\n", std::string(parsed.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n%s\n", accord::gateway::KeysFileLine(key).c_str(),
              accord::gateway::FormatApiKey(id, secret).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env = std::getenv("ACCORD_GATEWAY_ADMIN_ADDRESS");
  std::string address = env ? env : "";
  std::vector<std::string> rest;
  std::string client, scopes;
  bool acts_for_officers = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const std::string& flag, std::string* out) {
      if (arg.rfind(flag + "=", 0) == 0) {
        *out = arg.substr(flag.size() + 1);
        return true;
      }
      if (arg == flag && i + 1 < args.size()) {
        *out = args[++i];
        return true;
      }
      return false;
    };
    if (value("--admin_address", &address) || value("--client", &client) ||
        value("--scopes", &scopes)) {
      continue;
    }
    if (arg == "--acts-for-officers") {
      acts_for_officers = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "accord-admin: unknown flag %s\n", arg.c_str());
      return Usage();
    } else {
      rest.push_back(arg);
    }
  }
  if (rest.size() == 2 && rest[0] == "keys" && rest[1] == "hash") {
    return HashKey(client, scopes, acts_for_officers);
  }
  if (address.empty() || rest.size() < 2 || rest[0] != "keys") return Usage();

  auto stub = v1::AdminService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  auto context = [] {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx->set_wait_for_ready(true);
    return ctx;
  };
  const std::string& command = rest[1];
  if (command == "create" && rest.size() == 2) {
    v1::CreateApiKeyRequest request;
    request.set_client(client);
    for (absl::string_view scope : absl::StrSplit(scopes, ',', absl::SkipEmpty())) {
      request.add_scopes(std::string(scope));
    }
    request.set_acts_for_officers(acts_for_officers);
    v1::CreateApiKeyResponse response;
    grpc::Status status = stub->CreateApiKey(context().get(), request, &response);
    if (!status.ok()) return Failed(status);
    PrintKey(response.api_key());
    std::printf("%s\n", response.secret().c_str());
    return 0;
  }
  if (command == "list" && rest.size() == 2) {
    v1::ListApiKeysResponse response;
    grpc::Status status = stub->ListApiKeys(context().get(), {}, &response);
    if (!status.ok()) return Failed(status);
    for (const auto& key : response.api_keys()) PrintKey(key);
    return 0;
  }
  if ((command == "rotate" || command == "revoke") && rest.size() == 3) {
    std::string name = rest[2].rfind("apiKeys/", 0) == 0 ? rest[2] : "apiKeys/" + rest[2];
    if (command == "rotate") {
      v1::RotateApiKeyRequest request;
      request.set_name(name);
      v1::CreateApiKeyResponse response;
      grpc::Status status = stub->RotateApiKey(context().get(), request, &response);
      if (!status.ok()) return Failed(status);
      PrintKey(response.api_key());
      std::printf("%s\n", response.secret().c_str());
      return 0;
    }
    v1::RevokeApiKeyRequest request;
    request.set_name(name);
    v1::ApiKey response;
    grpc::Status status = stub->RevokeApiKey(context().get(), request, &response);
    if (!status.ok()) return Failed(status);
    PrintKey(response);
    return 0;
  }
  return Usage();
}
