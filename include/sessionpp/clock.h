#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace sessionpp {

// All times in sessionpp are epoch milliseconds.
using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Milliseconds since the epoch, the on-the-wire form of a Timestamp.
constexpr std::int64_t to_epoch_ms(Timestamp t) noexcept { return t.time_since_epoch().count(); }
constexpr Timestamp from_epoch_ms(std::int64_t ms) noexcept { return Timestamp(Duration(ms)); }

// The source of "now" for expiry decisions, injected into every store so tests never sleep.
// Implementations are safe for concurrent use.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// Wall-clock time (std::chrono::system_clock), truncated to milliseconds.
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
  // A shared process-wide instance.
  static std::shared_ptr<const Clock> instance();
};

// A clock that moves only when told to. For tests. Safe for concurrent use.
class ManualClock final : public Clock {
 public:
  // Default start: 2023-11-14T22:13:20Z, a fixed point so test output is stable.
  explicit ManualClock(Timestamp start = from_epoch_ms(1'700'000'000'000))
      : ms_(to_epoch_ms(start)) {}
  Timestamp now() const override { return from_epoch_ms(ms_.load()); }
  void set(Timestamp t) { ms_.store(to_epoch_ms(t)); }
  void advance(Duration d) { ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace sessionpp
