// Security checks on the running stack:
//   keys_hashed_at_rest   no API key secret in the gateway's store (every key and value of
//                         every column family read back with RocksDB, and the raw files),
//                         while the key ids are found there (the search sees the data);
//   secrets_not_logged    no API key secret, presented wrong key or webhook secret in any
//                         process log after a run with webhooks delivered;
//   errors_leak_nothing   client-facing errors (REST and gRPC, bad input and backends
//                         down) show no paths, RocksDB or gRPC transport text, addresses;
//   public_surface        reflection and key administration are not served on the public
//                         gRPC or REST listeners (while they answer where they belong).

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "accord/integrations/v1/integrations.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "rocksdb/db.h"
#include "tests/fault/fault_stack.h"
#include "tests/fault/scenarios.h"

namespace accord::fault {
namespace {

namespace registry = accord::registry::v1;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The secret part of "accord_<key_id>_<secret>".
std::string SecretOf(const std::string& key) { return key.size() > 24 ? key.substr(24) : key; }
std::string IdOf(const std::string& key) { return key.size() > 24 ? key.substr(7, 16) : ""; }

// Every key and value of every column family of the stopped store at `path`, one string.
std::string DumpStore(const std::string& path, std::string* error) {
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families);
  if (!s.ok()) {
    *error = s.ToString();
    return "";
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) descriptors.push_back({name, {}});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), path, descriptors, &handles, &db);
  if (!s.ok()) {
    *error = s.ToString();
    return "";
  }
  std::string all;
  for (auto* handle : handles) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      absl::StrAppend(&all, it->key().ToString(), "\n", it->value().ToString(), "\n");
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
  return all;
}

}  // namespace

void SecurityChecks(Params& params, Figures& figures) {
  const int64_t writes = params.Int("writes", 20, 200);
  WebhookReceiver receiver;
  FaultStack stack({.extra_flags = {{"integrations",
                                     {"--webhook_first_backoff_ms=50",
                                      "--webhook_max_backoff_ms=200"}}}});
  if (!stack.Start()) {
    figures.Fail("stack did not start: " + stack.error());
    return;
  }
  const int port = stack.http_port();
  std::vector<std::string> keys = {stack.api_key()};
  std::string reader = stack.CreateKey("fault-reader", "partnerships:read", false);
  keys.push_back(reader);
  std::string rotated;
  {
    // Rotate the reader's key: the new key is printed once, the old one stops working.
    std::string listed = stack.Admin("keys list");
    size_t at = listed.find(IdOf(reader));
    if (at != std::string::npos) {
      rotated = stack.Admin("keys rotate " + IdOf(reader));
      std::vector<std::string> lines;
      std::stringstream in(rotated);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
      }
      rotated = lines.empty() ? "" : lines.back();
      if (absl::StartsWith(rotated, "accord_")) keys.push_back(rotated);
    }
  }
  // A wrong key that differs from the real one in its last character.
  std::string wrong = stack.api_key();
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';

  std::vector<std::string> secrets;
  for (const std::string& key : keys) secrets.push_back(SecretOf(key));
  secrets.push_back(SecretOf(wrong));

  // Traffic: a webhook subscription, writes it delivers, calls with good and bad keys.
  testing::HttpResponse subscribed = RestWithRetry(
      port, "POST", "/v1/subscriptions",
      absl::StrCat(R"({"clientSystem":"fault-suite","targetUrl":"http://127.0.0.1:)",
                   receiver.port(), R"(/hook"})"),
      stack.Auth(), std::chrono::seconds(20));
  integrations::v1::Subscription subscription;
  if (subscribed.status != 200 || !FromJson(subscribed.body, &subscription) ||
      subscription.secret().empty()) {
    figures.Fail("no webhook subscription: " + subscribed.body.substr(0, 300));
  } else {
    secrets.push_back(subscription.secret());
  }
  for (int n = 0; n < writes; ++n) {
    RestWithRetry(port, "POST", absl::StrCat("/v1/partnerships?partnershipId=sec-", n),
                  R"({"displayName":"Secure","leadService":"Security"})", stack.Auth(),
                  std::chrono::seconds(20));
  }
  for (const std::string& key : {wrong, SecretOf(stack.api_key()), reader}) {
    testing::HttpCall(port, "GET", "/v1/partnerships", "", {{"authorization", "Bearer " + key}});
  }
  testing::HttpCall(port, "GET", "/v1/partnerships?key=" + stack.api_key(), "", {});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (receiver.count() < writes && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  figures.Set("webhook_deliveries", receiver.count());
  if (receiver.count() < writes) figures.Fail("webhooks were not delivered");

  // --- errors_leak_nothing -------------------------------------------------------------
  int64_t errors_checked = 0, errors_leaking = 0;
  auto check_error = [&](const std::string& what, int status, const std::string& body) {
    // With one backend down, calls served by the others succeed: nothing to check there.
    if (status == 200) return;
    ++errors_checked;
    if (std::string leak = LeakedInternals(body, secrets); !leak.empty()) {
      ++errors_leaking;
      figures.Fail(absl::StrCat("error of '", what, "' shows '", leak, "': ",
                                body.substr(0, 400)));
    }
  };
  auto rest_error = [&](const std::string& what, const std::string& method,
                        const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers) {
    testing::HttpResponse answer = testing::HttpCall(port, method, target, body, headers);
    check_error(what, answer.status, answer.body);
  };
  auto auth = stack.Auth();
  int64_t recovery_ms = 0;
  rest_error("unknown partnership", "GET", "/v1/partnerships/no-such-one", "", auth);
  rest_error("bad filter", "GET", "/v1/partnerships?filter=state%20%3D%3D%20(", "", auth);
  rest_error("bad page token", "GET", "/v1/partnerships?pageToken=AAAA%2F%2F..", "", auth);
  rest_error("negative page size", "GET", "/v1/partnerships?pageSize=-1", "", auth);
  rest_error("malformed JSON", "POST", "/v1/partnerships", "{not json", auth);
  rest_error("wrong JSON type", "POST", "/v1/partnerships", R"({"displayName":5})", auth);
  rest_error("bad update mask", "PATCH", "/v1/partnerships/sec-1?updateMask=nope",
             R"({"remit":"x"})", auth);
  rest_error("stale etag", "PATCH", "/v1/partnerships/sec-1?updateMask=remit&etag=999999",
             R"({"remit":"x"})", auth);
  rest_error("illegal transition", "POST", "/v1/partnerships/sec-1:transition",
             R"({"state":"CLOSED","reason":"x"})", auth);
  rest_error("unknown route", "GET", "/v1/nothing-here", "", auth);
  rest_error("wrong method", "PUT", "/v1/partnerships/sec-1", "{}", auth);
  {
    // A 2 MiB body against the 1 MiB limit: refused from its header with 413, unread.
    testing::HttpResponse big =
        testing::HttpCall(port, "POST", "/v1/partnerships", std::string(2 << 20, 'x'), auth);
    figures.Set("two_mib_body_status", big.status);
    if (big.status != 413) figures.Fail(absl::StrCat("a 2 MiB body was answered ", big.status));
    check_error("body too large", big.status, big.body);
  }
  rest_error("no key", "GET", "/v1/partnerships", "", {});
  rest_error("wrong key", "GET", "/v1/partnerships", "", {{"authorization", "Bearer " + wrong}});
  rest_error("scope missing", "POST", "/v1/partnerships", R"({"displayName":"x"})",
             {{"authorization", "Bearer " + (rotated.empty() ? reader : rotated)}});
  rest_error("unknown officer", "GET", "/v1/partnerships/sec-1", "",
             {{"authorization", "Bearer " + stack.api_key()}, {"x-accord-officer", "nobody"}});
  rest_error("bad screening", "POST", "/v1/partnerships/sec-1/screenings",
             R"({"outcome":"MAYBE"})", auth);
  rest_error("bad risk", "POST", "/v1/partnerships/sec-1/risks",
             R"({"title":"x","inherent":{"impact":9,"likelihood":9}})", auth);
  rest_error("bad webhook URL", "POST", "/v1/subscriptions", R"({"targetUrl":"ftp://x"})", auth);
  rest_error("unknown protocol", "GET", "/v1/protocols/no-such-protocol", "", auth);
  rest_error("bad date", "GET", "/v1/risks:overdue?asOf=yesterday", "", auth);
  rest_error("bad annual report year", "GET", "/v1/annualReports/abc", "", auth);
  // Backends down: what the gateway says when it cannot reach them.
  for (const std::string& down : std::vector<std::string>{"registry", "assessment", "risk",
                                                         "review", "integrations"}) {
    stack.Kill(down);
    rest_error(down + " down: read", "GET", "/v1/partnerships/sec-1", "", auth);
    rest_error(down + " down: screening", "POST", "/v1/partnerships/sec-1/screenings",
               R"({"outcome":"IS_PARTNERSHIP","justification":"x"})", auth);
    rest_error(down + " down: risk", "POST", "/v1/partnerships/sec-1/risks",
               R"({"title":"x","riskTo":"BOTH","category":"PARTNER_FAILURE_TO_PERFORM",
                   "owner":"o","inherent":{"impact":2,"likelihood":2},
                   "residual":{"impact":1,"likelihood":1},"reviewDate":"2027-03-31"})",
               auth);
    rest_error(down + " down: schedule", "GET", "/v1/partnerships/sec-1/schedule", "", auth);
    rest_error(down + " down: changes", "GET", "/v1/changes", "", auth);
    // The same over the gateway's gRPC port.
    auto stub = registry::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack.port("gateway")), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + stack.api_key());
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    registry::GetPartnershipRequest get;
    get.set_name("partnerships/sec-1");
    registry::Partnership p;
    grpc::Status status = stub->GetPartnership(&ctx, get, &p);
    check_error(down + " down: gRPC read", status.ok() ? 200 : 500, status.error_message());
    if (!stack.StartProcess(down)) figures.Fail("restart of " + down + ": " + stack.error());
    // Wait until the gateway reaches it again, so the next case has only its own backend down.
    const std::map<std::string, std::string> probe = {
        {"registry", "/v1/partnerships/sec-1"}, {"assessment", "/v1/protocols"},
        {"risk", "/v1/partnerships/sec-1/risks"}, {"review", "/v1/partnerships/sec-1/schedule"},
        {"integrations", "/v1/changes?pageSize=1"}};
    auto begin = std::chrono::steady_clock::now();
    testing::HttpResponse healed;
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      healed = testing::HttpCall(port, "GET", probe.at(down), "", auth);
    } while (healed.status != 200 && SecondsSince(begin) < 30);
    if (healed.status != 200) figures.Fail("the gateway did not reach " + down + " again");
    recovery_ms = std::max(recovery_ms, static_cast<int64_t>(SecondsSince(begin) * 1000));
  }
  figures.Set("max_ms_until_gateway_reaches_restarted_backend", recovery_ms);
  {
    auto stub = registry::RegistryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", stack.port("gateway")), grpc::InsecureChannelCredentials()));
    for (const std::string& name : {std::string("partnerships/no-such-one"), std::string("%%%"),
                                    std::string(5000, 'p')}) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + stack.api_key());
      registry::GetPartnershipRequest get;
      get.set_name(name);
      registry::Partnership p;
      grpc::Status status = stub->GetPartnership(&ctx, get, &p);
      check_error("gRPC get " + name.substr(0, 20), status.ok() ? 200 : 500,
                  status.error_message());
    }
  }
  figures.Set("client_errors_checked", errors_checked);
  figures.Set("client_errors_showing_internals", errors_leaking);

  // --- public_surface -------------------------------------------------------------------
  int64_t surfaces_open = 0;
  auto generic_call = [&](int tcp_port, const std::string& unix_socket, const std::string& method,
                          bool with_key, grpc::Status* status) {
    auto channel = grpc::CreateChannel(
        unix_socket.empty() ? absl::StrCat("127.0.0.1:", tcp_port) : "unix:" + unix_socket,
        grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    if (with_key) ctx.AddMetadata("authorization", "Bearer " + stack.api_key());
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::ByteBuffer request, response;
    grpc::Slice empty("", 0);
    request = grpc::ByteBuffer(&empty, 1);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     std::lock_guard<std::mutex> lock(mu);
                     *status = s;
                     done = true;
                     cv.notify_one();
                   });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  };
  const std::vector<std::string> reflection = {
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"};
  const std::string admin_method = "/accord.gateway.v1.AdminService/ListApiKeys";
  auto refused = [](const grpc::Status& s) {
    return s.error_code() == grpc::StatusCode::UNIMPLEMENTED ||
           s.error_code() == grpc::StatusCode::NOT_FOUND ||
           s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
           s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  };
  for (const std::string& method : reflection) {
    for (bool with_key : {false, true}) {
      grpc::Status s;
      generic_call(stack.port("gateway"), "", method, with_key, &s);
      if (!refused(s)) {
        ++surfaces_open;
        figures.Fail(absl::StrCat("public gRPC port answers ", method, " with code ",
                                  s.error_code(), " ", s.error_message()));
      }
    }
  }
  {
    grpc::Status s;
    generic_call(stack.port("gateway"), "", admin_method, true, &s);
    if (!refused(s)) {
      ++surfaces_open;
      figures.Fail(absl::StrCat("public gRPC port answers ", admin_method, ": ", s.error_code()));
    }
    // Control: the admin method does answer on the local admin socket.
    grpc::Status local;
    generic_call(0, stack.root() + "/admin.sock", admin_method, false, &local);
    figures.Set("admin_on_local_socket",
                local.error_code() == grpc::StatusCode::UNIMPLEMENTED ? "not served" : "served");
    if (local.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      figures.Fail("control failed: the admin socket does not serve " + admin_method);
    }
    // Control: reflection answers on a backend service's own (internal) port.
    grpc::Status internal;
    generic_call(stack.port("registry"), "", reflection[0], false, &internal);
    if (internal.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      figures.Note("reflection is not served on the register's internal port either");
    }
    auto perms = std::filesystem::status(stack.root() + "/admin.sock").permissions();
    bool private_socket = (perms & (std::filesystem::perms::group_all |
                                    std::filesystem::perms::others_all)) ==
                          std::filesystem::perms::none;
    figures.Set("admin_socket_owner_only", private_socket ? "yes" : "no");
    if (!private_socket) figures.Fail("the admin socket is open to other users");
  }
  for (const std::string& path : std::vector<std::string>{
           "/v1/apiKeys", "/v1/keys", "/admin", "/v1/admin/keys",
           "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
           "/accord.gateway.v1.AdminService/ListApiKeys"}) {
    testing::HttpResponse answer = testing::HttpCall(port, "GET", path, "", stack.Auth());
    testing::HttpResponse posted = testing::HttpCall(port, "POST", path, "{}", stack.Auth());
    if (answer.status == 200 || posted.status == 200) {
      ++surfaces_open;
      figures.Fail("public REST port serves " + path);
    }
  }
  figures.Set("public_admin_or_reflection_surfaces_open", surfaces_open);

  // --- keys_hashed_at_rest and secrets_not_logged (after a clean stop) ------------------
  if (!stack.StopAll()) figures.Fail("graceful stop: " + stack.error());
  std::string error;
  std::string dump = DumpStore(stack.data_dir("gateway"), &error);
  if (!error.empty()) figures.Fail("cannot read the gateway's store: " + error);
  int64_t secrets_in_store = 0, ids_found = 0;
  for (const std::string& key : keys) {
    if (absl::StrContains(dump, SecretOf(key))) ++secrets_in_store;
    if (absl::StrContains(dump, IdOf(key))) ++ids_found;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(stack.data_dir("gateway"))) {
    if (!entry.is_regular_file()) continue;
    std::string raw = ReadFile(entry.path());
    for (const std::string& key : keys) secrets_in_store += absl::StrContains(raw, SecretOf(key));
  }
  figures.Set("api_keys_issued", keys.size());
  figures.Set("api_key_secrets_found_in_store", secrets_in_store);
  figures.Set("api_key_ids_found_in_store", ids_found);
  if (secrets_in_store > 0) figures.Fail("an API key secret is stored in plain text");
  if (ids_found < static_cast<int64_t>(keys.size())) {
    figures.Fail("control failed: the key ids were not found in the store dump");
  }
  if (!subscription.secret().empty()) {
    std::string integrations_dump = DumpStore(stack.data_dir("integrations"), &error);
    figures.Set("webhook_secret_in_integrations_store",
                absl::StrContains(integrations_dump, subscription.secret()) ? "yes" : "no");
  }

  int64_t logs = 0, log_bytes = 0, secrets_in_logs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(stack.root())) {
    if (entry.path().extension() != ".log") continue;
    std::string text = ReadFile(entry.path());
    ++logs;
    log_bytes += static_cast<int64_t>(text.size());
    for (const std::string& secret : secrets) {
      if (absl::StrContains(text, secret)) {
        ++secrets_in_logs;
        figures.Fail("a secret appears in " + entry.path().filename().string());
      }
    }
  }
  figures.Set("logs_searched", logs);
  figures.Set("log_bytes_searched", log_bytes);
  figures.Set("secrets_searched", secrets.size());
  figures.Set("secrets_found_in_logs", secrets_in_logs);
  if (log_bytes == 0) figures.Fail("control failed: the logs are empty");
}

}  // namespace accord::fault
