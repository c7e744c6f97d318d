#pragma once

// Login throttling: after `max_failures` failed logins for one username from one address within
// `window`, further attempts are refused (429) until the oldest failure leaves the window.

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config.h"

namespace sessiond {

// Thread-safe.
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottleConfig config) : config_(config) {}

  // How long the caller must wait, or nullopt when an attempt is allowed now.
  std::optional<std::chrono::seconds> blocked(std::string_view username, std::string_view address,
                                              Clock::time_point now = Clock::now());
  void record_failure(std::string_view username, std::string_view address,
                      Clock::time_point now = Clock::now());
  void record_success(std::string_view username, std::string_view address);

 private:
  static std::string key(std::string_view username, std::string_view address);
  void prune_locked(std::deque<Clock::time_point>& q, Clock::time_point now) const;

  // Bounds memory under a flood of distinct usernames: beyond this, stale keys are dropped.
  static constexpr std::size_t kMaxKeys = 100000;

  ThrottleConfig config_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;  // GUARDED_BY(mu_)
};

}  // namespace sessiond
