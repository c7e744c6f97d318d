// Tests that change the shared test server, so ctest runs them RUN_SERIAL:
// - Redis killed mid-run: calls fail fast with kUnavailable / kTimeout, and after a restart the
//   same store object serves again with no intervention. Kills the server and restarts it through
//   scripts/services.d/redis.sh, leaving it running.
// - Keyspace notifications (switched on with CONFIG SET for the test, restored after): sessions
//   Redis expires are reported at once, once across nodes.

#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"

namespace sessionpp::testing {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

int service(const char* verb) {
  const std::string cmd =
      std::string("bash '") + SESSIONPP_SOURCE_DIR + "/scripts/services.d/redis.sh' " + verb;
  return std::system(cmd.c_str());
}

TEST(RedisRestartTest, KilledServerFailsFastAndTheSameStoreHealsAfterRestart) {
  const std::string prefix = "rs" + fresh_namespace();
  RedisOptions o = redis_test_options(prefix);
  if (o.host != "127.0.0.1" && o.host != "localhost") {
    GTEST_SKIP() << "the test server is not local: cannot kill it";
  }
  o.connect_timeout = milliseconds(300);
  o.command_timeout = milliseconds(300);
  o.pool = {.size = 4, .wait_timeout = milliseconds(300)};
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_redis_store(o), repo);
  const auto budget = o.connect_timeout + o.command_timeout + milliseconds(700);

  Session before = repo->create();
  ASSERT_TRUE(before.set_attribute("k", "v").ok());
  ASSERT_TRUE(repo->save(before).ok());

  // Readers run throughout: every call returns within the budget, ok or transient.
  std::atomic<bool> stop{false};
  std::atomic<int> slow{0}, bad{0}, failed{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        const auto start = Clock::now();
        auto r = repo->find(before.id()->str());
        if (Clock::now() - start > budget) ++slow;
        if (!r) {
          ++failed;
          if (!is_transient(r.error().code)) ++bad;
        }
        std::this_thread::sleep_for(milliseconds(5));
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(100));

  // Kill -9: no clean shutdown, sockets reset.
  auto raw = redis_raw(o);
  ASSERT_NE(raw, nullptr);
  auto info = redis_cmd(*raw, {"INFO", "server"});
  const std::string text(redis::reply_str(info.get()));
  const auto at = text.find("process_id:");
  ASSERT_NE(at, std::string::npos);
  const int pid = std::atoi(text.c_str() + at + 11);
  ASSERT_GT(pid, 1);
  raw.reset();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(milliseconds(20));

  const auto start = Clock::now();
  auto down = repo->ping();
  const auto took = Clock::now() - start;
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(is_transient(down.error().code)) << down.error().to_string();
  EXPECT_LT(took, budget);
  EXPECT_NE(down.error().message.find(o.host + ":" + std::to_string(o.port)), std::string::npos)
      << down.error().message;
  Session during = repo->create();
  auto save = repo->save(during);
  ASSERT_FALSE(save.ok());
  EXPECT_TRUE(is_transient(save.error().code)) << save.error().to_string();
  std::this_thread::sleep_for(milliseconds(300));

  ASSERT_EQ(service("start"), 0) << "could not restart the test Redis";
  // The same store object: no reopen, no intervention.
  auto up = repo->ping();
  EXPECT_TRUE(up.ok()) << up.error().to_string();
  Session after = repo->create();
  ASSERT_TRUE(after.set_attribute("k", "after restart").ok());
  auto saved = repo->save(after);  // also reloads the scripts the restart dropped
  ASSERT_TRUE(saved.ok()) << saved.error().to_string();
  auto found = repo->find(after.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(*(*found)->attribute("k"), "after restart");
  ASSERT_TRUE(repo->change_id(**found).ok());

  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(slow.load(), 0) << "a call took longer than connect + command timeout";
  EXPECT_EQ(bad.load(), 0) << "a failure other than kUnavailable / kTimeout";
  EXPECT_GT(failed.load(), 0) << "the readers never saw the outage";
  repo.reset();
  redis_delete_prefix(o, prefix);
}

class Recorder : public SessionEventListener {
 public:
  void on_expired(std::string_view h) override {
    std::lock_guard lock(mu_);
    expired_.emplace_back(h);
  }
  std::vector<std::string> expired() {
    std::lock_guard lock(mu_);
    return expired_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> expired_;
};

TEST(RedisKeyspaceEventsTest, RedisExpiriesAreReportedAtOnceAndOnceAcrossNodes) {
  const std::string prefix = "ke" + fresh_namespace();
  RedisOptions o = redis_test_options(prefix);
  auto raw = redis_raw(o);
  if (raw == nullptr) {
    if (in_ci()) FAIL() << "test Redis unreachable";
    GTEST_SKIP() << "test Redis unreachable";
  }
  auto before = redis_cmd(*raw, {"CONFIG", "GET", "notify-keyspace-events"});
  ASSERT_NE(before, nullptr);
  const std::string previous(redis::reply_str(redis::reply_at(before.get(), 1)));
  ASSERT_NE(redis_cmd(*raw, {"CONFIG", "SET", "notify-keyspace-events", "Ex"}), nullptr);
  struct Restore {
    redis::Connection& conn;
    std::string value;
    ~Restore() { redis_cmd(conn, {"CONFIG", "SET", "notify-keyspace-events", value}); }
  } restore{*raw, previous};

  // Two nodes over the same keys, both subscribed.
  o.keyspace_events = true;
  std::vector<std::string> log;
  std::mutex log_mu;
  o.log = [&](std::string_view l) {
    std::lock_guard lock(log_mu);
    log.emplace_back(l);
  };
  auto a = open_redis_store(o);
  auto b = open_redis_store(o);
  ASSERT_TRUE(a.ok() && b.ok());
  auto ra = std::make_shared<Recorder>();
  auto rb = std::make_shared<Recorder>();
  (*a)->add_listener(ra);
  (*b)->add_listener(rb);
  {
    std::lock_guard lock(log_mu);
    ASSERT_FALSE(log.empty());
    EXPECT_NE(log[0].find("are on"), std::string::npos) << log[0];
  }
  std::this_thread::sleep_for(milliseconds(200));  // let both subscribe

  Session s = (*a)->create();
  s.set_principal("expiring");
  s.set_max_inactive(milliseconds(200));
  ASSERT_TRUE((*a)->save(s).ok());
  Session other = (*a)->create();  // never expires here
  ASSERT_TRUE((*a)->save(other).ok());

  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline && ra->expired().size() + rb->expired().size() == 0) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::this_thread::sleep_for(milliseconds(300));  // a duplicate would have arrived by now
  std::vector<std::string> all = ra->expired();
  for (const auto& h : rb->expired()) all.push_back(h);
  EXPECT_EQ(all, std::vector<std::string>{s.handle()});
  // Reported already: purge finds nothing left to report.
  auto purged = (*b)->purge_expired();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0u);
  auto listed = (*b)->find_by_principal("expiring");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  // Closing a store stops its listener promptly.
  const auto start = Clock::now();
  a->reset();
  b->reset();
  EXPECT_LT(Clock::now() - start, milliseconds(900));
  redis_delete_prefix(o, prefix);
}

}  // namespace
}  // namespace sessionpp::testing
