#include "gateway/grpc/grpc_proxy.h"

#include <atomic>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "gateway/request_id.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/client_callback.h"

namespace accord::gateway {
namespace {

// Metadata that describes the hop rather than the call, or that the gateway owns.
// Credentials stop here: once authorisation exists it is the gateway's decision, and a
// backend must not be tempted to trust a token it never checked.
bool IsHopMetadata(absl::string_view key) {
  return absl::StartsWith(key, ":") || absl::StartsWith(key, "grpc-") ||
         key == "authorization" || key == "cookie" || key == "content-type" ||
         key == "user-agent" || key == "te" || key == "host" || key == kRequestIdHeader;
}

std::string ToString(grpc::string_ref ref) { return std::string(ref.data(), ref.size()); }

// One relayed call: a server reactor facing the caller and a client reactor facing the
// backend. Two holds keep the backend call open while a relay direction may still start
// an operation on it:
//   - caller -> backend: released when the caller half-closes or a backend write fails;
//   - backend -> caller: released when the backend has no more messages or a write to the
//     caller fails.
// Only then does the backend's OnDone run, which finishes the caller's side with the
// backend's status; no caller write can be pending by then. The object deletes itself
// after both sides' OnDone.
class ProxyCall {
 public:
  ProxyCall(grpc::GenericCallbackServerContext* context, const BackendTable& backends,
            const Authorizer& authorizer)
      : caller_(this), backend_(this), caller_context_(context) {
    const std::string& method = context->method();
    grpc::GenericStub* stub = backends.StubForPath(method);
    if (stub == nullptr) {
      FinishAlone(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                               absl::StrCat("method ", method, " is not served here")));
      return;
    }
    RequestHeaders headers;
    for (const auto& [key, value] : context->client_metadata()) {
      headers.emplace(ToString(key), ToString(value));
    }
    if (absl::Status allowed = authorizer.Authorize(absl::string_view(method).substr(1), headers);
        !allowed.ok()) {
      FinishAlone(api::ToGrpcStatus(allowed));
      return;
    }
    for (const auto& [key, value] : headers) {
      if (!IsHopMetadata(key)) backend_context_.AddMetadata(key, value);
    }
    auto given = headers.find(std::string(kRequestIdHeader));
    std::string request_id = RequestIdOrNew(given == headers.end() ? "" : given->second);
    backend_context_.AddMetadata(std::string(kRequestIdHeader), request_id);
    context->AddInitialMetadata(std::string(kRequestIdHeader), request_id);
    gpr_timespec deadline = context->raw_deadline();
    if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) != 0) {
      backend_context_.set_deadline(deadline);
    }

    stub->PrepareBidiStreamingCall(&backend_context_, method, grpc::StubOptions(), &backend_);
    backend_.AddHold();  // caller -> backend
    backend_.AddHold();  // backend -> caller
    backend_.StartCall();
    caller_.StartRead(&request_);
  }

  grpc::ServerGenericBidiReactor* caller_reactor() { return &caller_; }

 private:
  class CallerSide : public grpc::ServerGenericBidiReactor {
   public:
    explicit CallerSide(ProxyCall* call) : call_(call) {}
    void OnReadDone(bool ok) override { call_->OnCallerReadDone(ok); }
    void OnWriteDone(bool ok) override { call_->OnCallerWriteDone(ok); }
    void OnCancel() override { call_->backend_context_.TryCancel(); }
    void OnDone() override { call_->SideDone(); }

   private:
    ProxyCall* call_;
  };

  class BackendSide : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit BackendSide(ProxyCall* call) : call_(call) {}
    void OnReadInitialMetadataDone(bool ok) override { call_->OnBackendInitialMetadata(ok); }
    void OnReadDone(bool ok) override { call_->OnBackendReadDone(ok); }
    void OnWriteDone(bool ok) override { call_->OnBackendWriteDone(ok); }
    void OnDone(const grpc::Status& status) override { call_->OnBackendDone(status); }

   private:
    ProxyCall* call_;
  };

  void FinishAlone(const grpc::Status& status) {
    sides_left_ = 1;
    caller_.Finish(status);
  }

  // caller -> backend

  void OnCallerReadDone(bool ok) {
    if (ok) return backend_.StartWrite(&request_);
    backend_.StartWritesDone();
    backend_.RemoveHold();
  }

  void OnBackendWriteDone(bool ok) {
    if (ok) return caller_.StartRead(&request_);
    backend_.RemoveHold();
  }

  // backend -> caller

  void OnBackendInitialMetadata(bool ok) {
    if (ok) {
      for (const auto& [key, value] : backend_context_.GetServerInitialMetadata()) {
        std::string name = ToString(key);
        if (!IsHopMetadata(name)) caller_context_->AddInitialMetadata(name, ToString(value));
      }
    }
    backend_.StartRead(&response_);
  }

  void OnBackendReadDone(bool ok) {
    if (ok) return caller_.StartWrite(&response_);
    backend_.RemoveHold();
  }

  void OnCallerWriteDone(bool ok) {
    if (ok) return backend_.StartRead(&response_);
    backend_context_.TryCancel();  // the caller is gone; stop the backend's work too
    backend_.RemoveHold();
  }

  void OnBackendDone(const grpc::Status& status) {
    for (const auto& [key, value] : backend_context_.GetServerTrailingMetadata()) {
      std::string name = ToString(key);
      if (!IsHopMetadata(name)) caller_context_->AddTrailingMetadata(name, ToString(value));
    }
    caller_.Finish(status);
    SideDone();
  }

  void SideDone() {
    if (sides_left_.fetch_sub(1) == 1) delete this;
  }

  CallerSide caller_;
  BackendSide backend_;
  grpc::GenericCallbackServerContext* caller_context_;  // owned by gRPC; valid until OnDone
  grpc::ClientContext backend_context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::atomic<int> sides_left_{2};
};

}  // namespace

GrpcProxyService::GrpcProxyService(const BackendTable* backends, const Authorizer* authorizer)
    : backends_(backends), authorizer_(authorizer) {}

grpc::ServerGenericBidiReactor* GrpcProxyService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  return (new ProxyCall(context, *backends_, *authorizer_))->caller_reactor();
}

}  // namespace accord::gateway
