#include "purge_scheduler.h"

#include <random>
#include <string>

#include "log.h"

namespace sessiond {

PurgeScheduler::PurgeScheduler(sessionpp::SessionRepository& repository,
                               std::chrono::milliseconds interval, std::size_t batch)
    : repository_(repository), interval_(interval), batch_(batch) {
  thread_ = std::thread([this] { run(); });
}

PurgeScheduler::~PurgeScheduler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PurgeScheduler::run() {
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  std::unique_lock lock(mu_);
  for (;;) {
    const auto wait = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(interval_.count()) * jitter(rng)));
    if (cv_.wait_for(lock, wait, [this] { return stop_; })) return;
    lock.unlock();
    std::size_t total = 0;
    for (;;) {
      auto purged = repository_.purge_expired(batch_);
      if (!purged) {
        log_error("purge of expired sessions failed: " + purged.error().to_string());
        break;
      }
      total += *purged;
      if (*purged < batch_) break;
      std::lock_guard check(mu_);
      if (stop_) break;
    }
    if (total > 0) log_info("purged " + std::to_string(total) + " expired sessions");
    lock.lock();
  }
}

}  // namespace sessiond
