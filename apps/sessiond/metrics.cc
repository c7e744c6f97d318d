#include "metrics.h"

#include <cstdio>

namespace sessiond {

void Metrics::observe_request(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(std::string(route), status);
  ++requests_[key];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::observe_store(std::string_view op, std::string_view error_code) {
  std::lock_guard lock(mu_);
  auto it = store_ops_.find(op);
  if (it == store_ops_.end()) it = store_ops_.emplace(std::string(op), 0).first;
  ++it->second;
  if (!error_code.empty()) ++store_errors_[{std::string(op), std::string(error_code)}];
}

void Metrics::observe_login(bool ok) { ++(ok ? logins_ok_ : logins_failed_); }

std::string Metrics::render(std::optional<std::size_t> active_sessions) const {
  std::string out;
  char num[64];
  auto fmt = [&](double v) {
    std::snprintf(num, sizeof num, "%.9g", v);
    return std::string(num);
  };
  std::lock_guard lock(mu_);
  out += "# HELP sessiond_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE sessiond_http_requests_total counter\n";
  for (const auto& [k, n] : requests_) {
    out += "sessiond_http_requests_total{route=\"" + k.first + "\",status=\"" +
           std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP sessiond_http_request_duration_seconds Time from a request's headers to its "
      "response, by route.\n";
  out += "# TYPE sessiond_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "sessiond_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" +
             fmt(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "sessiond_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out +=
        "sessiond_http_request_duration_seconds_sum{route=\"" + route + "\"} " + fmt(h.sum) + "\n";
    out += "sessiond_http_request_duration_seconds_count{route=\"" + route + "\"} " +
           std::to_string(h.count) + "\n";
  }
  out += "# HELP sessiond_store_operations_total Calls to the session store, by operation.\n";
  out += "# TYPE sessiond_store_operations_total counter\n";
  for (const auto& [op, n] : store_ops_) {
    out += "sessiond_store_operations_total{op=\"" + op + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP sessiond_store_errors_total Failed calls to the session store, by operation and "
      "error.\n";
  out += "# TYPE sessiond_store_errors_total counter\n";
  for (const auto& [k, n] : store_errors_) {
    out += "sessiond_store_errors_total{op=\"" + k.first + "\",code=\"" + k.second + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP sessiond_logins_total Login attempts, by result.\n";
  out += "# TYPE sessiond_logins_total counter\n";
  out += "sessiond_logins_total{result=\"ok\"} " + std::to_string(logins_ok_.load()) + "\n";
  out += "sessiond_logins_total{result=\"failed\"} " + std::to_string(logins_failed_.load()) + "\n";
  if (active_sessions) {
    out += "# HELP sessiond_active_sessions Sessions the store holds.\n";
    out += "# TYPE sessiond_active_sessions gauge\n";
    out += "sessiond_active_sessions " + std::to_string(*active_sessions) + "\n";
  }
  return out;
}

}  // namespace sessiond
