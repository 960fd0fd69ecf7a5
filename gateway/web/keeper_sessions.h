// Signed-in register keepers, for the dashboard's browser sessions.
//
// A browser cannot attach an API key and an x-accord-officer header to a link, so the
// keeper signs in once with both (a POST form) and gets a session cookie: 256 random bits,
// HttpOnly, SameSite=Strict, Path=/keeper, Secure behind TLS. The key stays in this
// process's memory, keyed by the SHA-256 of the cookie value, and is never sent back to the
// browser or put in a URL. Sessions end at sign-out, after their lifetime, or when the
// gateway restarts. Thread-safe.
#ifndef ACCORD_GATEWAY_WEB_KEEPER_SESSIONS_H_
#define ACCORD_GATEWAY_WEB_KEEPER_SESSIONS_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/auth/authorizer.h"

namespace accord::gateway::web {

inline constexpr absl::string_view kKeeperCookie = "accord_keeper";

struct KeeperSession {
  std::string api_key;  // as the keeper typed it
  std::string officer;  // officer id for x-accord-officer
  absl::Time expires;
};

class KeeperSessions {
 public:
  explicit KeeperSessions(absl::Duration lifetime = absl::Hours(8), size_t max_sessions = 10000)
      : lifetime_(lifetime), max_sessions_(max_sessions) {}

  // Starts a session and returns its cookie value. When the table is full, expired sessions
  // are dropped first, then the one closest to expiry.
  std::string Create(std::string api_key, std::string officer, absl::Time now);

  // The live session of `cookie_value`, or nullopt (unknown or expired; an expired one is
  // dropped).
  std::optional<KeeperSession> Find(absl::string_view cookie_value, absl::Time now);

  // Ends the session of `cookie_value`; nothing happens for an unknown one.
  void End(absl::string_view cookie_value);

  absl::Duration lifetime() const { return lifetime_; }

 private:
  const absl::Duration lifetime_;
  const size_t max_sessions_;
  absl::Mutex mu_;
  std::map<std::string, KeeperSession> by_hash_ ABSL_GUARDED_BY(mu_);
};

// The value of cookie `name` in the request's Cookie headers, or "".
std::string CookieValue(const RequestHeaders& headers, absl::string_view name);

// A Set-Cookie value for the keeper's session (`value` empty: one that deletes it).
std::string KeeperCookieHeader(absl::string_view value, absl::Duration max_age, bool secure);

}  // namespace accord::gateway::web

#endif  // ACCORD_GATEWAY_WEB_KEEPER_SESSIONS_H_
