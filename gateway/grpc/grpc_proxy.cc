#include "gateway/grpc/grpc_proxy.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"
#include "gateway/request_id.h"
#include "gateway/transcoder/http_errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/client_callback.h"

namespace accord::gateway {
namespace {

// Metadata that describes the hop rather than the call, or that the gateway owns.
// Credentials stop here: authorisation is the gateway's decision, and a backend must not be
// tempted to trust a token it never checked. Identity (x-accord-*) is set by the gateway
// alone, from the verified key and the officer directory.
bool IsHopMetadata(absl::string_view key) {
  return absl::StartsWith(key, ":") || absl::StartsWith(key, "grpc-") ||
         key == "authorization" || key == "cookie" || key == "content-type" ||
         key == "user-agent" || key == "te" || key == "host" || key == kRequestIdHeader ||
         absl::StartsWith(key, "x-accord-");
}

// The method's descriptor in the generated pool, or nullptr for a method this binary does
// not know.
const google::protobuf::MethodDescriptor* MethodOf(absl::string_view method) {
  std::string name(method);
  std::replace(name.begin(), name.end(), '/', '.');
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
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
//
// A unary method (most calls) takes a shorter path: the request is read, relayed with one
// GenericStub::UnaryCall, and the answer written with the status in one operation. A
// streaming call costs gRPC a batch per step (start, write, half-close, read, finish) on
// each side; the bench measured the unary relay at about half the gateway's CPU per call.
class ProxyCall {
 public:
  ProxyCall(GrpcProxyService* owner, grpc::GenericCallbackServerContext* context,
            const BackendTable& backends, const Authorizer& authorizer,
            absl::Duration default_deadline)
      : owner_(owner), caller_(this), backend_(this), caller_context_(context),
        authorizer_(authorizer) {
    const std::string& method = context->method();
    method_ = absl::string_view(method).substr(1);
    stub_ = backends.StubForPath(method);
    if (stub_ == nullptr) {
      FinishAlone(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                               absl::StrCat("method ", method, " is not served here")));
      return;
    }
    RequestHeaders headers;
    for (const auto& [key, value] : context->client_metadata()) {
      headers.emplace(ToString(key), ToString(value));
    }
    auto given = headers.find(std::string(kRequestIdHeader));
    request_id_ = RequestIdOrNew(given == headers.end() ? "" : given->second);
    admission_ = authorizer.Admit(method_, headers);
    if (!admission_.status.ok()) {
      authorizer.Record(method_, admission_, nullptr, request_id_, admission_.status, "GRPC");
      FinishAlone(api::ToGrpcStatus(admission_.status));
      return;
    }
    for (const auto& [key, value] : headers) {
      if (!IsHopMetadata(key)) backend_context_.AddMetadata(key, value);
    }
    for (const auto& [key, value] : admission_.metadata) backend_context_.AddMetadata(key, value);
    backend_context_.AddMetadata(std::string(kRequestIdHeader), request_id_);
    context->AddInitialMetadata(std::string(kRequestIdHeader), request_id_);
    const google::protobuf::MethodDescriptor* descriptor = MethodOf(method_);
    bool streaming =
        descriptor != nullptr && (descriptor->server_streaming() || descriptor->client_streaming());
    // Unknown methods (descriptor == nullptr) keep the streaming relay, which serves any shape.
    unary_ = descriptor != nullptr && !streaming;
    if (unary_) sides_left_ = 1;  // only the caller's side is a reactor
    gpr_timespec deadline = context->raw_deadline();
    if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) != 0) {
      backend_context_.set_deadline(deadline);
    } else if (!streaming && default_deadline > absl::ZeroDuration()) {
      // A unary call without a deadline gets the gateway's, so no backend call hangs forever.
      backend_context_.set_deadline(std::chrono::system_clock::now() +
                                    absl::ToChronoMilliseconds(default_deadline));
    }
    // Writes and record checks need the request itself: the backend call starts only once
    // the first message has been read (and allowed).
    if ((admission_.write || admission_.check_request) && descriptor != nullptr && !streaming) {
      request_type_ = descriptor->input_type();
    } else {
      StartBackend();
    }
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

  void StartBackend() {
    backend_started_ = true;
    if (unary_) return;  // starts once the request is in (StartUnary)
    owner_->StreamStarted(&backend_context_);
    stream_registered_ = true;
    stub_->PrepareBidiStreamingCall(&backend_context_, caller_context_->method(),
                                    grpc::StubOptions(), &backend_);
    backend_.AddHold();  // caller -> backend
    backend_.AddHold();  // backend -> caller
    backend_.StartCall();
  }

  // The first message of a call that must be seen before it is forwarded.
  void OnFirstMessage(bool ok) {
    if (ok) {
      const google::protobuf::Message* prototype =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(request_type_);
      message_.reset(prototype->New());
      grpc::ByteBuffer copy(request_);
      grpc::Status parsed = grpc::SerializationTraits<google::protobuf::Message>::Deserialize(
          &copy, message_.get());
      if (!parsed.ok()) {
        message_.reset();
        return FinishAlone(api::ToGrpcStatus(api::Error(
            absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
            absl::StrCat("the request is not a valid ", request_type_->full_name()))));
      }
      if (admission_.check_request) {
        absl::Status allowed = authorizer_.AuthorizeRequest(method_, admission_, *message_);
        if (!allowed.ok()) {
          authorizer_.Record(method_, admission_, message_.get(), request_id_, allowed, "GRPC");
          return FinishAlone(api::ToGrpcStatus(allowed));
        }
      }
    }
    StartBackend();
    if (unary_) return StartUnary(ok);
    if (ok) return backend_.StartWrite(&request_);
    backend_.StartWritesDone();
    backend_.RemoveHold();
  }

  // The unary relay: `ok` says the caller's request arrived.
  void StartUnary(bool ok) {
    if (!ok) {
      return caller_.Finish(grpc::Status(grpc::StatusCode::INTERNAL,
                                         "the call ended before its request message arrived"));
    }
    stub_->UnaryCall(&backend_context_, caller_context_->method(), grpc::StubOptions(), &request_,
                     &response_, [this](grpc::Status status) { OnUnaryDone(status); });
  }

  void OnUnaryDone(const grpc::Status& status) {
    authorizer_.Record(method_, admission_, message_.get(), request_id_,
                       api::FromGrpcStatus(status), "GRPC");
    for (const auto& [key, value] : backend_context_.GetServerInitialMetadata()) {
      std::string name = ToString(key);
      if (!IsHopMetadata(name)) caller_context_->AddInitialMetadata(name, ToString(value));
    }
    for (const auto& [key, value] : backend_context_.GetServerTrailingMetadata()) {
      std::string name = ToString(key);
      if (!IsHopMetadata(name)) caller_context_->AddTrailingMetadata(name, ToString(value));
    }
    if (status.ok()) return caller_.StartWriteAndFinish(&response_, grpc::WriteOptions(), status);
    caller_.Finish(ClientSafeStatus(status));
  }

  void FinishAlone(const grpc::Status& status) {
    sides_left_ = 1;
    caller_.Finish(status);
  }

  // caller -> backend

  void OnCallerReadDone(bool ok) {
    if (!backend_started_) return OnFirstMessage(ok);
    if (unary_) return StartUnary(ok);
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
    authorizer_.Record(method_, admission_, message_.get(), request_id_,
                       api::FromGrpcStatus(status), "GRPC");
    for (const auto& [key, value] : backend_context_.GetServerTrailingMetadata()) {
      std::string name = ToString(key);
      if (!IsHopMetadata(name)) caller_context_->AddTrailingMetadata(name, ToString(value));
    }
    caller_.Finish(ClientSafeStatus(status));
    SideDone();
  }

  void SideDone() {
    if (sides_left_.fetch_sub(1) != 1) return;
    if (stream_registered_) owner_->StreamEnded(&backend_context_);
    GrpcProxyService* owner = owner_;
    delete this;
    owner->CallEnded();
  }

  GrpcProxyService* owner_;
  CallerSide caller_;
  BackendSide backend_;
  grpc::GenericCallbackServerContext* caller_context_;  // owned by gRPC; valid until OnDone
  const Authorizer& authorizer_;
  grpc::GenericStub* stub_ = nullptr;
  absl::string_view method_;  // points into caller_context_->method()
  std::string request_id_;
  Admission admission_;
  bool backend_started_ = false;
  bool stream_registered_ = false;  // with owner_, for EndStreams
  bool unary_ = false;
  const google::protobuf::Descriptor* request_type_ = nullptr;
  std::unique_ptr<google::protobuf::Message> message_;  // the first request, when inspected
  grpc::ClientContext backend_context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::atomic<int> sides_left_{2};
};

// Answers a call the stopping proxy no longer relays.
class Refusal : public grpc::ServerGenericBidiReactor {
 public:
  Refusal() {
    Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the gateway is stopping; retry with the same request id"));
  }
  void OnDone() override { delete this; }
};

}  // namespace

GrpcProxyService::GrpcProxyService(const BackendTable* backends, const Authorizer* authorizer,
                                   absl::Duration default_deadline)
    : backends_(backends), authorizer_(authorizer), default_deadline_(default_deadline) {}

grpc::ServerGenericBidiReactor* GrpcProxyService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  if (state_.fetch_add(kOneCall) & kClosed) {
    CallEnded();
    return new Refusal();
  }
  return (new ProxyCall(this, context, *backends_, *authorizer_, default_deadline_))
      ->caller_reactor();
}

void GrpcProxyService::StreamStarted(grpc::ClientContext* backend_call) {
  absl::MutexLock lock(&streams_mu_);
  streams_.insert(backend_call);
}

void GrpcProxyService::StreamEnded(grpc::ClientContext* backend_call) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(backend_call);
}

void GrpcProxyService::EndStreams() {
  // The backend call ends CANCELLED, which the caller is told as UNAVAILABLE (retry).
  absl::MutexLock lock(&streams_mu_);
  for (grpc::ClientContext* backend_call : streams_) backend_call->TryCancel();
}

bool GrpcProxyService::CloseIfIdle() {
  int64_t idle = 0;
  return state_.compare_exchange_strong(idle, kClosed) || idle == kClosed;
}

}  // namespace accord::gateway
