// gRPC pass-through: every call to a proxied service, unary or streaming, is relayed
// message by message to its backend, with metadata, deadline, cancellation and the
// backend's final status (details included). Calls to other methods get UNIMPLEMENTED.
#ifndef ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
#define ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_

#include <atomic>
#include <cstdint>
#include <unordered_set>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/auth/authorizer.h"
#include "gateway/backend/backend_table.h"
#include "grpcpp/generic/async_generic_service.h"

namespace accord::gateway {

// Register with ServerBuilder::RegisterCallbackGenericService. It receives every method
// no registered service handles, so register real services (health) as services.
// Thread-safe; the tables are not owned and must outlive the server.
class GrpcProxyService : public grpc::CallbackGenericService {
 public:
  // Unary calls that arrive without a deadline get `default_deadline` (zero: none).
  GrpcProxyService(const BackendTable* backends, const Authorizer* authorizer,
                   absl::Duration default_deadline = absl::ZeroDuration());

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

  // For a stop: when no relayed call is in progress, refuses every later one with
  // UNAVAILABLE (before it reaches a backend) and returns true; false while calls are in
  // progress. After true, a call still open on the server was never given to the proxy and
  // can be cancelled without losing work.
  bool CloseIfIdle();

  // For a stop: ends every streaming relay in progress; its caller gets UNAVAILABLE and
  // resumes elsewhere from its last sequence. Unary calls are left to finish.
  void EndStreams();

  // Each relayed call says so when it has ended.
  void CallEnded() { state_.fetch_sub(kOneCall); }
  // Streaming relays register their backend call, so that EndStreams can cancel it.
  void StreamStarted(grpc::ClientContext* backend_call);
  void StreamEnded(grpc::ClientContext* backend_call);

 private:
  static constexpr int64_t kClosed = 1;
  static constexpr int64_t kOneCall = 2;
  const BackendTable* backends_;
  const Authorizer* authorizer_;
  absl::Duration default_deadline_;
  // Relayed calls in progress times kOneCall, plus kClosed once closed: one atomic, so that
  // a call starting as the proxy closes either is counted first or sees it closed.
  std::atomic<int64_t> state_{0};
  absl::Mutex streams_mu_;
  std::unordered_set<grpc::ClientContext*> streams_ ABSL_GUARDED_BY(streams_mu_);
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_GRPC_GRPC_PROXY_H_
