// Failover of a Redis Cluster primary and of the Sentinel-watched primary, under load. Kills a
// server of the shared test setups (SIGKILL via its pid file), so ctest runs these RUN_SERIAL;
// each test restores the topology through its services script (the killed node rejoins as a
// replica) before it ends.
//
// Checks: with the same store object (no reopen), requests succeed again within 10 s, and every
// session saved at least one second before the kill is still readable. Prints the recovery time
// and the number of sessions lost.

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"
#include "stores/redis/cluster_slot.h"

namespace sessionpp::testing {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

int service(const std::string& name, const char* verb) {
  const std::string cmd = std::string("bash '") + SESSIONPP_SOURCE_DIR + "/scripts/services.d/" +
                          name + ".sh' " + verb + " >/dev/null";
  return std::system(cmd.c_str());
}

// The pid of the Redis server on 127.0.0.1:`port`, as the server itself reports it (INFO
// server), so the test finds the process whoever started it; 0 when it does not answer.
constexpr const char* kTestPassword = "sessionpp-test";

int server_pid(int port, const std::string& password) {
  const std::string cmd = "redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " -a '" + password +
                          "' --no-auth-warning info server 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return 0;
  int pid = 0;
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    if (std::sscanf(line, "process_id:%d", &pid) == 1) break;
  }
  ::pclose(p);
  return pid;
}

struct Saved {
  std::string id;
  Clock::time_point at;
};

struct Outcome {
  double recovery_s = 0;      // kill -> the last failed request (0: none failed)
  std::size_t checked = 0;    // sessions saved >= 1 s before the kill
  std::size_t lost = 0;       // of those, not readable after the failover
  std::size_t lost_late = 0;  // saved (acknowledged) within the last second before the kill, lost
  std::size_t failures = 0;   // failed requests during the run
};

// SIGKILL to a server, then up to 2 s for the process to be gone.
void kill_and_wait(int pid) {
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(milliseconds(20));
}

// Runs 3 threads saving new sessions and finding saved ones, calls `kill` after 1.5 s, keeps the
// load on until no request failed for 2 s (at most 25 s), then reads back every session saved.
Outcome failover_under_load(SessionRepository& repo, const std::function<void()>& kill) {
  std::mutex mu;
  std::vector<Saved> saved;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> last_failure_ns{0};
  std::atomic<std::size_t> failures{0};
  const auto t0 = Clock::now();
  auto since = [&](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0).count();
  };
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      std::size_t n = 0;
      while (!stop) {
        Session s = repo.create();
        (void)s.set_attribute("n", std::to_string(t) + ":" + std::to_string(n++));
        auto r = repo.save(s);
        if (r) {
          std::lock_guard lock(mu);
          saved.push_back({s.id()->str(), Clock::now()});
        } else {
          ++failures;
          last_failure_ns = since(Clock::now());
        }
        std::string probe;
        {
          std::lock_guard lock(mu);
          if (!saved.empty()) probe = saved[n * 7919 % saved.size()].id;
        }
        if (!probe.empty()) {
          auto f = repo.find(probe);
          if (!f) {
            ++failures;
            last_failure_ns = since(Clock::now());
          }
        }
        std::this_thread::sleep_for(milliseconds(2));
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(1500));
  const auto killed_at = Clock::now();
  kill();
  const std::int64_t kill_ns = since(killed_at);
  while (true) {
    std::this_thread::sleep_for(milliseconds(50));
    const auto now = Clock::now();
    const std::int64_t last = std::max<std::int64_t>(last_failure_ns, kill_ns);
    if (since(now) - last >= 2'000'000'000 && now - killed_at >= std::chrono::seconds(2)) break;
    if (now - killed_at >= std::chrono::seconds(25)) break;
  }
  stop = true;
  for (auto& th : load) th.join();

  Outcome out;
  out.failures = failures;
  if (last_failure_ns > kill_ns)
    out.recovery_s = static_cast<double>(last_failure_ns - kill_ns) / 1e9;
  std::vector<Saved> all;
  {
    std::lock_guard lock(mu);
    all = saved;
  }
  for (const auto& s : all) {
    if (s.at > killed_at) continue;
    const bool early = s.at <= killed_at - std::chrono::seconds(1);
    if (early) ++out.checked;
    auto f = repo.find(s.id);
    if (!f || !f->has_value()) {
      if (early) {
        ++out.lost;
      } else {
        ++out.lost_late;
      }
    }
  }
  return out;
}

void expect_serves_again(SessionRepository& repo) {
  Result<void> last = make_error(Errc::kInternal, "not tried");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    Session s = repo.create();
    (void)s.set_attribute("k", "after");
    last = repo.save(s);
    if (last) {
      auto f = repo.find(s.id()->str());
      ASSERT_TRUE(f.ok() && f->has_value());
      return;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  ADD_FAILURE() << "the store did not serve again after the topology was restored: "
                << last.error().to_string();
}

void report(const char* what, const Outcome& o) {
  std::printf(
      "[failover] %s: recovery %.2f s, %zu failed requests, %zu of %zu sessions saved >= 1 s "
      "before the kill lost, %zu lost of those saved within the last second\n",
      what, o.recovery_s, o.failures, o.lost, o.checked, o.lost_late);
  std::fflush(stdout);
}

TEST(RedisClusterFailoverTest, PrimaryKilledUnderLoadReplicaTakesOverSameStoreServes) {
  const std::string prefix = "cf" + fresh_namespace();
  RedisOptions o = redis_cluster_test_options(prefix);
  o.connect_timeout = milliseconds(500);
  o.command_timeout = milliseconds(500);
  o.pool.wait_timeout = milliseconds(500);
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_redis_store(o), repo);

  // The primary of the expiry index's slot: every save touches it.
  const int slot = redis::key_slot(prefix + "expiries");
  int port = 0;
  for (const auto& n : o.cluster_nodes) {
    const auto colon = n.rfind(':');
    auto raw = redis_raw_at(o, n.substr(0, colon), std::atoi(n.c_str() + colon + 1));
    if (!raw) continue;
    auto slots = redis_cmd(*raw, {"CLUSTER", "SLOTS"});
    for (std::size_t i = 0; i < redis::reply_size(slots.get()); ++i) {
      const redisReply* r = redis::reply_at(slots.get(), i);
      if (redis::reply_int(redis::reply_at(r, 0)).value_or(-1) <= slot &&
          slot <= redis::reply_int(redis::reply_at(r, 1)).value_or(-1)) {
        port = static_cast<int>(
            redis::reply_int(redis::reply_at(redis::reply_at(r, 2), 1)).value_or(0));
      }
    }
    break;
  }
  ASSERT_GT(port, 0) << "no primary found for slot " << slot;
  const int pid = server_pid(port, kTestPassword);
  ASSERT_GT(pid, 1) << "no process_id from 127.0.0.1:" << port;

  const Outcome out = failover_under_load(*repo, [&] { kill_and_wait(pid); });
  report("cluster", out);
  std::printf("[failover] cluster: killed the primary 127.0.0.1:%d (slot %d)\n", port, slot);
  EXPECT_LT(out.recovery_s, 10.0);
  EXPECT_GT(out.checked, 0u);
  EXPECT_EQ(out.lost, 0u);

  ASSERT_EQ(service("redis-cluster", "start"), 0) << "could not restore the test cluster";
  expect_serves_again(*repo);
  repo.reset();
  redis_cluster_delete_prefix(o, prefix);
}

struct ClusterNode {
  std::string id;
  int port = 0;
  std::unique_ptr<redis::Connection> conn;
};

// The primaries of the cluster (CLUSTER NODES), each with a raw connection.
std::vector<ClusterNode> cluster_primaries(const RedisOptions& o) {
  std::vector<ClusterNode> out;
  const std::string& seed = o.cluster_nodes.front();
  const auto colon = seed.rfind(':');
  auto raw = redis_raw_at(o, seed.substr(0, colon), std::atoi(seed.c_str() + colon + 1));
  if (!raw) return out;
  auto nodes = redis_cmd(*raw, {"CLUSTER", "NODES"});
  std::istringstream lines{std::string(redis::reply_str(nodes.get()))};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string id, addr, flags;
    f >> id >> addr >> flags;
    if (flags.find("master") == std::string::npos || flags.find("fail") != std::string::npos) {
      continue;
    }
    ClusterNode n;
    n.id = id;
    n.port = std::atoi(addr.c_str() + addr.rfind(':') + 1);
    n.conn = redis_raw_at(o, "127.0.0.1", n.port);
    if (n.conn) out.push_back(std::move(n));
  }
  return out;
}

// Moves `slot` from `from` to `to` the way redis-cli --cluster reshard does. `between` runs
// while the slot is half-migrated (MIGRATING / IMPORTING, keys already moved).
void move_slot(const RedisOptions& o, ClusterNode& from, ClusterNode& to, int slot,
               const std::function<void()>& between) {
  const std::string s = std::to_string(slot);
  ASSERT_NE(redis_cmd(*to.conn, {"CLUSTER", "SETSLOT", s, "IMPORTING", from.id}), nullptr);
  ASSERT_NE(redis_cmd(*from.conn, {"CLUSTER", "SETSLOT", s, "MIGRATING", to.id}), nullptr);
  while (true) {
    auto keys = redis_cmd(*from.conn, {"CLUSTER", "GETKEYSINSLOT", s, "100"});
    if (redis::reply_size(keys.get()) == 0) break;
    std::vector<std::string> migrate{"MIGRATE", "127.0.0.1", std::to_string(to.port),
                                     "",        "0",         "5000",
                                     "AUTH",    o.password,  "KEYS"};
    for (std::size_t i = 0; i < redis::reply_size(keys.get()); ++i) {
      migrate.emplace_back(redis::reply_str(redis::reply_at(keys.get(), i)));
    }
    ASSERT_NE(redis_cmd(*from.conn, migrate), nullptr);
  }
  between();
  ASSERT_NE(redis_cmd(*to.conn, {"CLUSTER", "SETSLOT", s, "NODE", to.id}), nullptr);
  ASSERT_NE(redis_cmd(*from.conn, {"CLUSTER", "SETSLOT", s, "NODE", to.id}), nullptr);
}

// A slot moved while the store runs: ASK during the migration, MOVED after it; the same store
// follows both. Moves the slot back at the end.
TEST(RedisClusterReshardTest, AskDuringMigrationAndMovedAfterAreFollowed) {
  const std::string prefix = "cm" + fresh_namespace();
  RedisOptions o = redis_cluster_test_options(prefix);
  o.pool.pipelined_reads = 1;
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_redis_store(o), repo);
  Session s = repo->create();
  s.set_principal("reshard");
  ASSERT_TRUE(s.set_attribute("k", "v").ok());
  ASSERT_TRUE(repo->save(s).ok());
  const int slot = redis::key_slot(s.handle());

  auto primaries = cluster_primaries(o);
  ASSERT_GE(primaries.size(), 2u);
  auto owner = std::find_if(primaries.begin(), primaries.end(), [&](ClusterNode& n) {
    auto r = redis_cmd(*n.conn, {"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)});
    return redis::reply_int(r.get()).value_or(0) > 0;
  });
  ASSERT_NE(owner, primaries.end());
  ClusterNode& from = *owner;
  ClusterNode& to = owner == primaries.begin() ? primaries[1] : primaries[0];

  auto check = [&](const char* when) {
    auto f = repo->find(s.id()->str());
    ASSERT_TRUE(f.ok()) << when << ": " << f.error().to_string();
    ASSERT_TRUE(f->has_value()) << when;
    EXPECT_EQ(*(*f)->attribute("k"), "v") << when;
    Session loaded = std::move(**f);
    ASSERT_TRUE(loaded.set_attribute("k", "v").ok());
    ASSERT_TRUE(loaded.set_attribute(when, "1").ok());
    auto saved = repo->save(loaded);
    EXPECT_TRUE(saved.ok()) << when << ": " << saved.error().to_string();
  };
  move_slot(o, from, to, slot, [&] { check("asking"); });
  check("moved");
  auto listed = repo->find_by_principal("reshard");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  move_slot(o, to, from, slot, [] {});
  check("moved-back");
  repo.reset();
  redis_cluster_delete_prefix(o, prefix);
}

TEST(RedisSentinelFailoverTest, PrimaryKilledUnderLoadSentinelsPromoteSameStoreServes) {
  const std::string prefix = "sf" + fresh_namespace();
  RedisOptions o = redis_sentinel_test_options(prefix);
  o.connect_timeout = milliseconds(500);
  o.command_timeout = milliseconds(500);
  o.pool.wait_timeout = milliseconds(500);
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_redis_store(o), repo);
  const auto [host, port] = redis_sentinel_primary(o);
  ASSERT_GT(port, 0);
  const int pid = server_pid(port, kTestPassword);
  ASSERT_GT(pid, 1) << "no process_id from 127.0.0.1:" << port;

  const Outcome out = failover_under_load(*repo, [&] { kill_and_wait(pid); });
  report("sentinel", out);
  std::printf("[failover] sentinel: killed the primary %s:%d, now %s:%d\n", host.c_str(), port,
              redis_sentinel_primary(o).first.c_str(), redis_sentinel_primary(o).second);
  EXPECT_LT(out.recovery_s, 10.0);
  EXPECT_GT(out.checked, 0u);
  EXPECT_EQ(out.lost, 0u);

  ASSERT_EQ(service("redis-sentinel", "start"), 0) << "could not restore the Sentinel setup";
  expect_serves_again(*repo);
  repo.reset();
  redis_sentinel_delete_prefix(o, prefix);
}

}  // namespace
}  // namespace sessionpp::testing
