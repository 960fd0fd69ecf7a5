#include "gateway/web/keeper_sessions.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/auth/api_key_secret.h"
#include "gateway/web/keeper_pages.h"

namespace accord::gateway::web {

std::string KeeperSessions::Create(std::string api_key, std::string officer, absl::Time now) {
  std::string value = NewKeySecret();
  absl::MutexLock lock(&mu_);
  if (by_hash_.size() >= max_sessions_) {
    std::erase_if(by_hash_, [now](const auto& entry) { return entry.second.expires <= now; });
  }
  if (by_hash_.size() >= max_sessions_) {
    auto soonest = std::min_element(
        by_hash_.begin(), by_hash_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    by_hash_.erase(soonest);
  }
  by_hash_[HashSecret(value)] = {std::move(api_key), std::move(officer), now + lifetime_};
  return value;
}

std::optional<KeeperSession> KeeperSessions::Find(absl::string_view cookie_value, absl::Time now) {
  if (cookie_value.empty()) return std::nullopt;
  std::string hash = HashSecret(cookie_value);
  absl::MutexLock lock(&mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void KeeperSessions::End(absl::string_view cookie_value) {
  if (cookie_value.empty()) return;
  std::string hash = HashSecret(cookie_value);
  absl::MutexLock lock(&mu_);
  by_hash_.erase(hash);
}

std::string CookieValue(const RequestHeaders& headers, absl::string_view name) {
  auto [begin, end] = headers.equal_range("cookie");
  for (auto it = begin; it != end; ++it) {
    for (absl::string_view pair : absl::StrSplit(it->second, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      size_t equals = pair.find('=');
      if (equals == absl::string_view::npos) continue;
      if (absl::StripAsciiWhitespace(pair.substr(0, equals)) == name) {
        return std::string(absl::StripAsciiWhitespace(pair.substr(equals + 1)));
      }
    }
  }
  return "";
}

std::string KeeperCookieHeader(absl::string_view value, absl::Duration max_age, bool secure) {
  int64_t seconds = value.empty() ? 0 : absl::ToInt64Seconds(max_age);
  return absl::StrCat(kKeeperCookie, "=", value, "; Path=", kKeeperPath, "; Max-Age=", seconds,
                      "; HttpOnly; SameSite=Strict", secure ? "; Secure" : "");
}

}  // namespace accord::gateway::web
