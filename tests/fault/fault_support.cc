#include "tests/fault/fault_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace accord::fault {

int64_t Params::Int(const std::string& name, int64_t short_value, int64_t long_value) {
  int64_t value = long_mode_ ? long_value : short_value;
  if (auto it = overrides_.find(name); it != overrides_.end()) value = std::stoll(it->second);
  for (const auto& [used_name, unused] : used_) {
    if (used_name == name) return value;
  }
  used_.emplace_back(name, std::to_string(value));
  return value;
}

void Figures::Set(const std::string& name, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [existing, old] : values_) {
    if (existing == name) {
      old = value;
      return;
    }
  }
  values_.emplace_back(name, value);
}

void Figures::Count(const std::string& name, int64_t by) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!counters_.count(name)) counter_order_.push_back(name);
  counters_[name] += by;
}

void Figures::Fail(const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  ++failure_count_;
  if (failures_.size() < 20) failures_.push_back(message);
}

void Figures::Skip(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  skip_reason_ = reason;
}

void Figures::Note(const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  if (notes_.size() < 20) notes_.push_back(note);
}

bool Figures::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_count_ > 0;
}

bool Figures::skipped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !skip_reason_.empty();
}

int Figures::Print(const std::string& scenario, const Params& params, double seconds) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> parameters;
  for (const auto& [name, value] : params.used()) parameters.push_back(name + "=" + value);
  std::printf("PARAMS %s mode=%s %s\n", scenario.c_str(), params.long_mode() ? "long" : "short",
              absl::StrJoin(parameters, " ").c_str());
  for (const auto& [name, value] : values_) {
    std::printf("FIGURE %s %s=%s\n", scenario.c_str(), name.c_str(), value.c_str());
  }
  for (const std::string& name : counter_order_) {
    std::printf("FIGURE %s %s=%lld\n", scenario.c_str(), name.c_str(),
                static_cast<long long>(counters_.at(name)));
  }
  std::printf("FIGURE %s seconds=%.1f\n", scenario.c_str(), seconds);
  for (const std::string& note : notes_) std::printf("NOTE %s %s\n", scenario.c_str(), note.c_str());
  for (const std::string& failure : failures_) {
    std::printf("FAIL %s %s\n", scenario.c_str(), failure.c_str());
  }
  int code = 0;
  if (failure_count_ > 0) {
    std::printf("RESULT %s FAIL (%lld failed checks)\n", scenario.c_str(),
                static_cast<long long>(failure_count_));
    code = 1;
  } else if (!skip_reason_.empty()) {
    std::printf("SKIPPED: %s\nRESULT %s SKIPPED\n", skip_reason_.c_str(), scenario.c_str());
    code = 77;
  } else {
    std::printf("RESULT %s PASS\n", scenario.c_str());
  }
  std::fflush(stdout);
  return code;
}

testing::HttpResponse Rest(int port, const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::map<std::string, std::string>& headers) {
  return testing::HttpCall(port, method, target, body, headers);
}

bool Retryable(int http_status) {
  return http_status == 0 || http_status == 429 || http_status == 499 || http_status >= 500;
}

testing::HttpResponse RestWithRetry(int port, const std::string& method,
                                    const std::string& target, const std::string& body,
                                    const std::map<std::string, std::string>& headers,
                                    std::chrono::milliseconds timeout,
                                    const std::atomic<bool>* abandon, int* attempts) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int backoff_ms = 5;
  testing::HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    if (attempts != nullptr) *attempts = attempt;
    response = testing::HttpCall(port, method, target, body, headers);
    if (!Retryable(response.status)) return response;
    if (std::chrono::steady_clock::now() >= deadline) return response;
    if (abandon != nullptr && abandon->load()) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, 200);
  }
}

bool FromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(json, message, options).ok();
}

std::string LeakedInternals(const std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (!secret.empty() && absl::StrContains(text, secret)) return "a secret";
  }
  // Patterns that only an internal error carries: file paths and source files, RocksDB's
  // status texts, gRPC's transport texts with peer addresses, C++ runtime words.
  static const char* const kPatterns[] = {
      "/tmp/",         "/work/",       "/var/",          "/home/",        "/usr/",
      ".cc:",          ".h:",          ".cpp",           "rocksdb",       "RocksDB",
      "IO error",      "Corruption:",  "No space left",  "While append",  ".sst",
      "MANIFEST",      "ipv4:",        "ipv6:",          "127.0.0.1:",    "localhost:",
      "Connection refused", "Failed to connect", "failed to connect", "Socket closed",
      "std::",         "terminate called", "what():",    "Segmentation",  "0x7f",
      "Stream removed", "Broken pipe", "errno",          "backtrace"};
  for (const char* pattern : kPatterns) {
    if (absl::StrContains(text, pattern)) return pattern;
  }
  return "";
}

namespace {
std::atomic<uint64_t> seed_base{1};
std::atomic<uint64_t> thread_counter{0};
}  // namespace

void SeedRandom(uint64_t seed) { seed_base = seed; }

std::mt19937_64& Random() {
  thread_local std::mt19937_64 generator(seed_base.load() * 1000003 + thread_counter++);
  return generator;
}

int64_t Uniform(int64_t low, int64_t high) {
  return std::uniform_int_distribution<int64_t>(low, high)(Random());
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

WebhookReceiver::WebhookReceiver(std::chrono::milliseconds answer_delay)
    : answer_delay_(answer_delay) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  listen(fd_, 64);
  socklen_t length = sizeof address;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stop_ = true;
  shutdown(fd_, SHUT_RDWR);
  close(fd_);
  thread_.join();
}

int64_t WebhookReceiver::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(deliveries_.size());
}

std::vector<WebhookReceiver::Delivery> WebhookReceiver::deliveries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return deliveries_;
}

void WebhookReceiver::Serve() {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  while (!stop_) {
    int fd = accept(fd_, nullptr, nullptr);
    if (fd < 0) return;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket client(io, boost::asio::ip::tcp::v4(), fd);
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(client, buffer, request, ec);
    if (!ec && request.method() == http::verb::post) {
      std::lock_guard<std::mutex> lock(mu_);
      deliveries_.push_back({std::string(request["accord-delivery"]), request.body()});
    }
    std::this_thread::sleep_for(answer_delay_);
    http::response<http::empty_body> ok(http::status::ok, 11);
    ok.keep_alive(false);
    ok.prepare_payload();
    http::write(client, ok, ec);
  }
}

}  // namespace accord::fault
