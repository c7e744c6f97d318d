#include "throttle.h"

#include <algorithm>

namespace sessiond {

std::string LoginThrottle::key(std::string_view username, std::string_view address) {
  std::string k(address);
  k.push_back('\n');  // cannot appear in an address: keys of different pairs never collide
  k.append(username);
  return k;
}

void LoginThrottle::prune_locked(std::deque<Clock::time_point>& q, Clock::time_point now) const {
  while (!q.empty() && now - q.front() >= config_.window) q.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(std::string_view username,
                                                           std::string_view address,
                                                           Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key(username, address));
  if (it == failures_.end()) return std::nullopt;
  prune_locked(it->second, now);
  if (static_cast<std::int64_t>(it->second.size()) < config_.max_failures) return std::nullopt;
  const auto wait = it->second.front() + config_.window - now;
  return std::max(std::chrono::ceil<std::chrono::seconds>(wait), std::chrono::seconds(1));
}

void LoginThrottle::record_failure(std::string_view username, std::string_view address,
                                   Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (failures_.size() >= kMaxKeys) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      prune_locked(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& q = failures_[key(username, address)];
  prune_locked(q, now);
  q.push_back(now);
  // Only the last max_failures matter for the decision.
  while (static_cast<std::int64_t>(q.size()) > config_.max_failures) q.pop_front();
}

void LoginThrottle::record_success(std::string_view username, std::string_view address) {
  std::lock_guard lock(mu_);
  failures_.erase(key(username, address));
}

}  // namespace sessiond
