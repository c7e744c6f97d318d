// sessiond's login throttle, with explicit times (the integration test cannot wait a minute).
#include "throttle.h"

#include <gtest/gtest.h>

namespace sessiond {
namespace {

using std::chrono::seconds;

TEST(LoginThrottle, BlocksAfterMaxFailuresUntilTheOldestLeavesTheWindow) {
  LoginThrottle t(ThrottleConfig{.max_failures = 5, .window = seconds(60)});
  const auto t0 = LoginThrottle::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(t.blocked("alice", "10.0.0.1", t0 + seconds(i)).has_value()) << i;
    t.record_failure("alice", "10.0.0.1", t0 + seconds(i));
  }
  auto wait = t.blocked("alice", "10.0.0.1", t0 + seconds(10));
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, seconds(50));
  EXPECT_FALSE(t.blocked("alice", "10.0.0.2", t0 + seconds(10)).has_value()) << "other address";
  EXPECT_FALSE(t.blocked("bob", "10.0.0.1", t0 + seconds(10)).has_value()) << "other user";
  EXPECT_FALSE(t.blocked("alice", "10.0.0.1", t0 + seconds(60)).has_value())
      << "the first failure has left the window";
}

TEST(LoginThrottle, SuccessClearsTheFailures) {
  LoginThrottle t(ThrottleConfig{.max_failures = 2, .window = seconds(60)});
  const auto now = LoginThrottle::Clock::now();
  t.record_failure("alice", "a", now);
  t.record_success("alice", "a");
  t.record_failure("alice", "a", now);
  EXPECT_FALSE(t.blocked("alice", "a", now).has_value());
}

TEST(LoginThrottle, UsernameAndAddressDoNotCollide) {
  LoginThrottle t(ThrottleConfig{.max_failures = 1, .window = seconds(60)});
  const auto now = LoginThrottle::Clock::now();
  t.record_failure("b", "a", now);
  EXPECT_TRUE(t.blocked("b", "a", now).has_value());
  EXPECT_FALSE(t.blocked("", "a\nb", now).has_value());
}

}  // namespace
}  // namespace sessiond
