// Long polls of the merged feed without holding a gRPC thread: each waiting call is kept
// here and retried on one thread whenever the store commits, and answered at its deadline.
//
// Thread safety: safe to share.
#ifndef ACCORD_SERVICES_INTEGRATIONS_LONG_POLLS_H_
#define ACCORD_SERVICES_INTEGRATIONS_LONG_POLLS_H_

#include <functional>
#include <list>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/storage/store.h"

namespace accord::integrations {

class LongPolls {
 public:
  // Tries to answer a waiting call: `changed` says the store committed since the last try
  // (between commits a try need only notice a cancelled call); `final` is true at its
  // deadline and on shutdown, when it must answer. Returns true once it has answered.
  using Attempt = std::function<bool(bool changed, bool final)>;

  // `store` is not owned and must outlive this.
  explicit LongPolls(storage::Store* store);
  ~LongPolls();  // Shutdown()

  // Keeps `attempt` until it answers; it is first tried at once, on the polling thread.
  void Add(absl::Time deadline, Attempt attempt);

  // Answers every waiting call (final attempts) and stops the thread. Later Adds answer at
  // once.
  void Shutdown();

 private:
  struct Poll {
    absl::Time deadline;
    Attempt attempt;
  };
  void Run();

  storage::Store* store_;
  int subscription_ = 0;
  absl::Mutex mu_;
  std::list<Poll> fresh_ ABSL_GUARDED_BY(mu_);
  bool changed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::list<Poll> waiting_;  // only the polling thread touches it
  std::thread thread_;
};

}  // namespace accord::integrations

#endif  // ACCORD_SERVICES_INTEGRATIONS_LONG_POLLS_H_
