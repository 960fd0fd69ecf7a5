// GrpcProxyService::CloseIfIdle, with real gRPC servers on kernel-chosen ports: a relayed
// call in progress keeps the proxy open, and once closed the proxy refuses later calls with
// UNAVAILABLE before they reach the backend.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gateway/grpc/grpc_proxy.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace accord::gateway {
namespace {

grpc::ByteBuffer Bytes(const std::string& text) {
  grpc::Slice slice(text);
  return grpc::ByteBuffer(&slice, 1);
}

// A backend that holds every call it is given until the test answers it.
class HeldBackend : public grpc::CallbackGenericService {
 public:
  class Call : public grpc::ServerGenericBidiReactor {
   public:
    explicit Call(HeldBackend* backend) : backend_(backend) { StartRead(&request_); }
    void OnReadDone(bool ok) override {
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      absl::MutexLock lock(&backend_->mu_);
      backend_->held_.push_back(this);
    }
    void Answer() {
      response_ = Bytes("answered");
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    void OnCancel() override { Finish(grpc::Status::CANCELLED); }
    void OnDone() override { delete this; }

   private:
    HeldBackend* backend_;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
  };

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    ++calls_;
    return new Call(this);
  }

  // The first held call, waiting up to 10 s for one; nullptr if none came.
  Call* WaitForHeld() {
    absl::MutexLock lock(&mu_);
    auto some = [this] { return !held_.empty(); };
    mu_.AwaitWithTimeout(absl::Condition(&some), absl::Seconds(10));
    if (held_.empty()) return nullptr;
    Call* call = held_.front();
    held_.erase(held_.begin());
    return call;
  }

  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
  absl::Mutex mu_;
  std::vector<Call*> held_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<grpc::Server> Serve(grpc::CallbackGenericService* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterCallbackGenericService(service);
  return builder.BuildAndStart();
}

// One call through the proxy: its context, and its status once it has ended.
struct Outcome {
  // The status, waiting up to 20 s for it.
  grpc::Status Wait() {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(20));
    return done ? status : grpc::Status(grpc::StatusCode::UNKNOWN, "no answer");
  }

  grpc::ClientContext context;
  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  grpc::Status status ABSL_GUARDED_BY(mu);
  grpc::ByteBuffer response;
};

// A held backend behind a proxy, both listening on ports the kernel chose. The method is
// unknown to this binary, so the proxy relays it on its streaming path (any shape).
class GrpcProxyClose : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_server = Serve(&backend, &backend_port);
    ASSERT_NE(backend_server, nullptr);
    backends = std::make_unique<BackendTable>(std::vector<BackendService>{
        {"test.Held", "127.0.0.1:" + std::to_string(backend_port)}});
    proxy = std::make_unique<GrpcProxyService>(backends.get(), &authorizer);
    proxy_server = Serve(proxy.get(), &proxy_port);
    ASSERT_NE(proxy_server, nullptr);
    stub = std::make_unique<grpc::GenericStub>(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(proxy_port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (proxy_server) proxy_server->Shutdown(std::chrono::system_clock::now());
    if (backend_server) backend_server->Shutdown(std::chrono::system_clock::now());
  }

  void Call(Outcome& outcome) {
    outcome.context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    grpc::ByteBuffer request = Bytes("ask");
    stub->UnaryCall(&outcome.context, "/test.Held/Call", grpc::StubOptions(), &request,
                    &outcome.response, [&outcome](grpc::Status status) {
                      absl::MutexLock lock(&outcome.mu);
                      outcome.status = std::move(status);
                      outcome.done = true;
                    });
  }

  // The proxy's call object ends just after the caller has its answer.
  bool CloseWithin(absl::Duration timeout) {
    absl::Time end = absl::Now() + timeout;
    while (!proxy->CloseIfIdle()) {
      if (absl::Now() > end) return false;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return true;
  }

  HeldBackend backend;
  int backend_port = 0;
  std::unique_ptr<grpc::Server> backend_server;
  std::unique_ptr<BackendTable> backends;
  AllowAllAuthorizer authorizer;
  std::unique_ptr<GrpcProxyService> proxy;
  int proxy_port = 0;
  std::unique_ptr<grpc::Server> proxy_server;
  std::unique_ptr<grpc::GenericStub> stub;
};

TEST_F(GrpcProxyClose, ACallInProgressKeepsTheProxyOpenAndLaterCallsAreRefused) {
  Outcome first;
  Call(first);
  HeldBackend::Call* held = backend.WaitForHeld();
  ASSERT_NE(held, nullptr) << "the relayed call never reached the backend";
  EXPECT_FALSE(proxy->CloseIfIdle()) << "a relayed call is in progress";

  held->Answer();
  grpc::Status answered = first.Wait();
  EXPECT_TRUE(answered.ok()) << answered.error_message();
  EXPECT_TRUE(CloseWithin(absl::Seconds(2))) << "no call is in progress, so it closes";
  EXPECT_TRUE(proxy->CloseIfIdle()) << "closed stays closed";

  Outcome refused;
  Call(refused);
  grpc::Status status = refused.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("stopping"), std::string::npos) << status.error_message();
  EXPECT_EQ(backend.calls(), 1) << "a refused call must not reach the backend";
}

TEST_F(GrpcProxyClose, EndStreamsEndsARelayInProgressWithUnavailable) {
  Outcome streaming;
  Call(streaming);
  ASSERT_NE(backend.WaitForHeld(), nullptr) << "the relayed call never reached the backend";

  proxy->EndStreams();
  grpc::Status status = streaming.Wait();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_TRUE(CloseWithin(absl::Seconds(2))) << "the ended relay no longer counts";
}

}  // namespace
}  // namespace accord::gateway
