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

struct Outcome {
  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  grpc::Status status ABSL_GUARDED_BY(mu);
  grpc::ByteBuffer response;
};

TEST(GrpcProxyClose, ACallInProgressKeepsTheProxyOpenAndLaterCallsAreRefused) {
  HeldBackend backend;
  int backend_port = 0;
  auto backend_server = Serve(&backend, &backend_port);
  ASSERT_NE(backend_server, nullptr);
  BackendTable backends({{"test.Held", "127.0.0.1:" + std::to_string(backend_port)}});
  AllowAllAuthorizer authorizer;
  GrpcProxyService proxy(&backends, &authorizer);
  int proxy_port = 0;
  auto proxy_server = Serve(&proxy, &proxy_port);
  ASSERT_NE(proxy_server, nullptr);
  grpc::GenericStub stub(grpc::CreateChannel("127.0.0.1:" + std::to_string(proxy_port),
                                             grpc::InsecureChannelCredentials()));

  auto call = [&](Outcome& outcome, grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    grpc::ByteBuffer request = Bytes("ask");
    stub.UnaryCall(&context, "/test.Held/Call", grpc::StubOptions(), &request,
                   &outcome.response, [&outcome](grpc::Status status) {
                     absl::MutexLock lock(&outcome.mu);
                     outcome.status = std::move(status);
                     outcome.done = true;
                   });
  };
  auto wait = [](Outcome& outcome) {
    absl::MutexLock lock(&outcome.mu);
    outcome.mu.AwaitWithTimeout(absl::Condition(&outcome.done), absl::Seconds(20));
    return outcome.done ? outcome.status : grpc::Status(grpc::StatusCode::UNKNOWN, "no answer");
  };

  Outcome first;
  grpc::ClientContext first_context;
  call(first, first_context);
  HeldBackend::Call* held = backend.WaitForHeld();
  ASSERT_NE(held, nullptr) << "the relayed call never reached the backend";
  EXPECT_FALSE(proxy.CloseIfIdle()) << "a relayed call is in progress";

  held->Answer();
  grpc::Status answered = wait(first);
  EXPECT_TRUE(answered.ok()) << answered.error_message();
  // The proxy's call object ends just after the caller has its answer.
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {
    closed = proxy.CloseIfIdle();
    if (!closed) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(closed) << "no call is in progress, so the proxy closes";
  EXPECT_TRUE(proxy.CloseIfIdle()) << "closed stays closed";

  Outcome refused;
  grpc::ClientContext refused_context;
  call(refused, refused_context);
  grpc::Status status = wait(refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("stopping"), std::string::npos) << status.error_message();
  EXPECT_EQ(backend.calls(), 1) << "a refused call must not reach the backend";

  proxy_server->Shutdown(std::chrono::system_clock::now());
  backend_server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace accord::gateway
