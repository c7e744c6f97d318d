#pragma once

// Prometheus text metrics: requests by route and status, latency histogram by route, store
// operations and errors, logins, active sessions.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sessiond {

// Thread-safe.
class Metrics {
 public:
  // `route` is a route pattern ("/api/session/attributes/{name}"), never a raw path, so the
  // number of series stays bounded.
  void observe_request(std::string_view route, int status, double seconds);
  void observe_store(std::string_view op, std::string_view error_code /* empty: ok */);
  void observe_login(bool ok);

  // The exposition text; `active_sessions` is omitted when unknown.
  std::string render(std::optional<std::size_t> active_sessions) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t, std::less<>> requests_;  // GUARDED_BY(mu_)
  std::map<std::string, Histogram, std::less<>> latency_;                       // GUARDED_BY(mu_)
  std::map<std::string, std::uint64_t, std::less<>> store_ops_;                 // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, std::uint64_t, std::less<>>
      store_errors_;  // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> logins_ok_{0};
  std::atomic<std::uint64_t> logins_failed_{0};
};

}  // namespace sessiond
