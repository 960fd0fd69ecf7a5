// accord-bench-load: a closed-loop gRPC load generator on the callback API. `concurrency`
// calls are kept in flight over one channel (each completion starts the next call); calls
// that finish inside the measured window count. Prints one JSON object: calls, errors,
// qps, p50/p99/max latency in microseconds, and the first error seen.
//
//   accord-bench-load --target=127.0.0.1:5001 --call=get --name=partnerships/p0000001
//       --concurrency=16 --duration_s=5 --header='authorization=Bearer …'
//
// Calls: echo (any method, --payload_bytes of request echoed back), get, create (unique
// ids from --id_prefix, a request_id each), list (--filter, --page_size), due (overdue
// review items as of --as_of_date).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <condition_variable>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "accord/review/v1/review_service.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string target;
  std::string call = "get";
  std::string method;
  std::string name = "partnerships/p0000001";
  std::string id_prefix = "bench";
  std::string filter;
  std::string as_of_date = "2026-06-01";
  int page_size = 50;
  int payload_bytes = 200;
  int concurrency = 1;
  int channels = 1;
  double duration_s = 5;
  double warmup_s = 1;
  std::vector<std::pair<std::string, std::string>> headers;
};

bool Parse(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "accord-bench-load: expected --flag=value, got '%s'\n", argv[i]);
      return false;
    }
    std::string key = arg.substr(2, eq - 2);
    std::string value = arg.substr(eq + 1);
    if (key == "target") flags->target = value;
    else if (key == "call") flags->call = value;
    else if (key == "method") flags->method = value;
    else if (key == "name") flags->name = value;
    else if (key == "id_prefix") flags->id_prefix = value;
    else if (key == "filter") flags->filter = value;
    else if (key == "as_of_date") flags->as_of_date = value;
    else if (key == "page_size") flags->page_size = std::stoi(value);
    else if (key == "payload_bytes") flags->payload_bytes = std::stoi(value);
    else if (key == "concurrency") flags->concurrency = std::stoi(value);
    else if (key == "channels") flags->channels = std::stoi(value);
    else if (key == "duration_s") flags->duration_s = std::stod(value);
    else if (key == "warmup_s") flags->warmup_s = std::stod(value);
    else if (key == "header") {
      size_t sep = value.find('=');
      if (sep == std::string::npos) {
        std::fprintf(stderr, "accord-bench-load: --header=name=value\n");
        return false;
      }
      flags->headers.emplace_back(value.substr(0, sep), value.substr(sep + 1));
    } else {
      std::fprintf(stderr, "accord-bench-load: unknown flag --%s\n", key.c_str());
      return false;
    }
  }
  if (flags->target.empty()) {
    std::fprintf(stderr, "accord-bench-load: --target is required\n");
    return false;
  }
  return true;
}

grpc::ByteBuffer BufferOf(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class Load {
 public:
  explicit Load(const Flags& flags) : flags_(flags) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    for (int i = 0; i < std::max(1, flags.channels); ++i) {
      // Distinct channel args keep gRPC from sharing one subchannel between channels.
      args.SetInt("accord.bench.channel", i);
      stubs_.push_back(std::make_unique<grpc::GenericStub>(
          grpc::CreateCustomChannel(flags.target, grpc::InsecureChannelCredentials(), args)));
    }
    method_ = flags.method;
    if (flags.call == "echo") {
      if (method_.empty()) method_ = "/accord.bench.Echo/Echo";
      fixed_ = std::string(static_cast<size_t>(flags.payload_bytes), 'x');
    } else if (flags.call == "get") {
      if (method_.empty()) method_ = "/accord.registry.v1.RegistryService/GetPartnership";
      accord::registry::v1::GetPartnershipRequest request;
      request.set_name(flags.name);
      fixed_ = request.SerializeAsString();
    } else if (flags.call == "list") {
      if (method_.empty()) method_ = "/accord.registry.v1.RegistryService/ListPartnerships";
      accord::registry::v1::ListPartnershipsRequest request;
      request.set_filter(flags.filter);
      request.set_page_size(flags.page_size);
      fixed_ = request.SerializeAsString();
    } else if (flags.call == "due") {
      if (method_.empty()) method_ = "/accord.review.v1.ReviewService/ListDueItems";
      accord::review::v1::ListDueItemsRequest request;
      request.set_as_of_date(flags.as_of_date);
      request.set_overdue_only(true);
      request.set_page_size(flags.page_size);
      fixed_ = request.SerializeAsString();
    } else if (flags.call == "create") {
      if (method_.empty()) method_ = "/accord.registry.v1.RegistryService/CreatePartnership";
    } else {
      std::fprintf(stderr, "accord-bench-load: unknown --call=%s\n", flags.call.c_str());
      std::exit(2);
    }
  }

  void Run() {
    slots_.resize(static_cast<size_t>(flags_.concurrency));
    start_ = Clock::now();
    measure_from_ = start_ + Seconds(flags_.warmup_s);
    stop_at_ = measure_from_ + Seconds(flags_.duration_s);
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].index = i;
      slots_[i].latencies_us.reserve(1 << 16);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++in_flight_;
      }
      Start(slots_[i]);
    }
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return in_flight_ == 0; });
  }

  void Print() const {
    std::vector<uint32_t> all;
    int64_t errors = 0;
    int64_t response_bytes = 0;
    std::string first_error;
    for (const Slot& slot : slots_) {
      all.insert(all.end(), slot.latencies_us.begin(), slot.latencies_us.end());
      errors += slot.errors;
      response_bytes += slot.response_bytes;
      if (first_error.empty()) first_error = slot.first_error;
    }
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) -> uint32_t {
      if (all.empty()) return 0;
      size_t at = static_cast<size_t>(p * static_cast<double>(all.size() - 1) + 0.5);
      return all[std::min(at, all.size() - 1)];
    };
    std::string quoted;
    for (char c : first_error) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += (c >= 0x20 ? c : ' ');
    }
    std::printf(
        "{\"calls\":%zu,\"errors\":%lld,\"seconds\":%.3f,\"qps\":%.1f,\"p50_us\":%u,"
        "\"p99_us\":%u,\"max_us\":%u,\"response_bytes\":%.0f,\"first_error\":\"%s\"}\n",
        all.size(), static_cast<long long>(errors), flags_.duration_s,
        static_cast<double>(all.size()) / flags_.duration_s, pct(0.5), pct(0.99),
        all.empty() ? 0 : all.back(),
        all.empty() ? 0.0 : static_cast<double>(response_bytes) / static_cast<double>(all.size()),
        quoted.c_str());
  }

 private:
  struct Slot {
    size_t index = 0;
    int64_t sent = 0;
    std::unique_ptr<grpc::ClientContext> context;
    grpc::ByteBuffer request;
    grpc::ByteBuffer response;
    Clock::time_point started;
    std::vector<uint32_t> latencies_us;
    int64_t errors = 0;
    int64_t response_bytes = 0;
    std::string first_error;
  };

  static Clock::duration Seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  std::string CreateRequest(Slot& slot) {
    accord::registry::v1::CreatePartnershipRequest request;
    std::string id = absl::StrCat(flags_.id_prefix, "-", slot.index, "-", slot.sent);
    request.set_partnership_id(id);
    request.set_request_id(absl::StrCat("req-", id));
    auto* p = request.mutable_partnership();
    p->set_display_name(absl::StrCat("Benchmark partnership ", id));
    p->set_lead_service(kServices[slot.sent % 4]);
    p->set_remit("Joint delivery of a council service with partners, created by the benchmark");
    p->set_key_partnership(slot.sent % 10 == 0);
    return request.SerializeAsString();
  }

  void Start(Slot& slot) {
    slot.context = std::make_unique<grpc::ClientContext>();
    for (const auto& [key, value] : flags_.headers) slot.context->AddMetadata(key, value);
    slot.request = BufferOf(flags_.call == "create" ? CreateRequest(slot) : fixed_);
    ++slot.sent;
    slot.started = Clock::now();
    grpc::GenericStub& stub = *stubs_[slot.index % stubs_.size()];
    stub.UnaryCall(slot.context.get(), method_, grpc::StubOptions(), &slot.request,
                   &slot.response, [this, &slot](grpc::Status status) { Done(slot, status); });
  }

  void Done(Slot& slot, const grpc::Status& status) {
    Clock::time_point now = Clock::now();
    if (slot.started >= measure_from_ && now <= stop_at_) {
      if (status.ok()) {
        slot.latencies_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - slot.started).count()));
        slot.response_bytes += static_cast<int64_t>(slot.response.Length());
      } else {
        ++slot.errors;
      }
    }
    if (!status.ok() && slot.first_error.empty()) {
      slot.first_error = absl::StrCat(status.error_code(), ": ", status.error_message());
    }
    if (now < stop_at_) return Start(slot);
    std::lock_guard<std::mutex> lock(mu_);
    if (--in_flight_ == 0) done_.notify_all();
  }

  static constexpr const char* kServices[] = {"Leisure", "Housing", "Community Safety",
                                              "Economic Development"};

  const Flags& flags_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::string method_;
  std::string fixed_;
  std::vector<Slot> slots_;
  Clock::time_point start_, measure_from_, stop_at_;
  std::mutex mu_;
  std::condition_variable done_;
  int in_flight_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  // As every Accord process does (telemetry::SetLogService): Debian's Abseil leaves mutex
  // deadlock detection on, which gRPC's own locks pay for.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  Flags flags;
  if (!Parse(argc, argv, &flags)) return 2;
  Load load(flags);
  load.Run();
  load.Print();
  return 0;
}
