// Purge running in a loop on two nodes while 8 threads save to live sessions: no deadlock or
// other error reaches a caller, no live session is lost, and the expired ones all go.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {

// This binary links the contract suite for its helpers only.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);

namespace {

class SqlPurgeUnderLoad : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url() const {
    if (GetParam() == "Postgres") return pg_url();
    if (GetParam() == "Mariadb") return mysql_url();
    return sqlite_url(ns_);
  }
  std::unique_ptr<SessionRepository> open_node() {
    SqlStoreOptions o{.policy = policy_, .url = url(), .table_prefix = ns_, .purge_batch = 50};
    o.pool.size = 10;
    o.statement_timeout = std::chrono::seconds(10);
    auto r = open_sql_store(o);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? std::move(*r) : nullptr;
  }
  void SetUp() override {
    ns_ = fresh_namespace();
    clock_ = std::make_shared<ManualClock>(SystemClock().now());
    policy_.clock = clock_;
    policy_.max_inactive = std::chrono::hours(1);
    SqlStoreOptions o{.policy = policy_, .url = url(), .table_prefix = ns_};
    SESSIONPP_REQUIRE_STORE(open_sql_store(o), node_a_);
    node_b_ = open_node();
    ASSERT_NE(node_b_, nullptr);
  }
  void TearDown() override {
    node_a_.reset();
    node_b_.reset();
    drop_sql_tables(url(), ns_);
  }

  std::string ns_;
  std::shared_ptr<ManualClock> clock_;
  SessionPolicy policy_;
  std::unique_ptr<SessionRepository> node_a_;
  std::unique_ptr<SessionRepository> node_b_;
};

TEST_P(SqlPurgeUnderLoad, NoDeadlockReachesACallerAndNoLiveSessionIsLost) {
  constexpr int kThreads = 8;
  constexpr int kSessionsPerThread = 4;
  constexpr int kSaves = 120;

  std::vector<std::string> live_ids;
  for (int i = 0; i < kThreads * kSessionsPerThread; ++i) {
    Session s = node_a_->create();
    s.set_principal("user" + std::to_string(i % 5));
    ASSERT_TRUE(s.set_attribute("seed", "x").ok());
    ASSERT_TRUE(node_a_->save(s).ok());
    live_ids.push_back(s.id()->str());
  }

  std::mutex mu;
  std::vector<std::string> errors;
  auto record = [&](const std::string& what) {
    std::lock_guard lock(mu);
    if (errors.size() < 20) errors.push_back(what);
  };
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> purged{0};
  std::atomic<int> litter{0};

  // Expired sessions (timeout 0) with attributes, for the purgers to chew on.
  std::thread litterer([&] {
    while (!stop.load()) {
      Session s = node_b_->create();
      s.set_max_inactive(std::chrono::milliseconds(0));
      s.set_principal("user" + std::to_string(litter.load() % 5));
      (void)s.set_attribute("a", std::string(100, 'a'));
      (void)s.set_attribute("b", "b");
      if (auto r = node_b_->save(s); !r) record("litter: " + r.error().to_string());
      ++litter;
    }
  });
  std::vector<std::thread> purgers;
  for (SessionRepository* node : {node_a_.get(), node_b_.get()}) {
    purgers.emplace_back([&, node] {
      while (!stop.load()) {
        auto n = node->purge_expired(200);
        if (!n) {
          record("purge: " + n.error().to_string());
        } else {
          purged += *n;
        }
      }
    });
  }
  std::vector<std::thread> savers;
  for (int t = 0; t < kThreads; ++t) {
    savers.emplace_back([&, t] {
      SessionRepository& repo = t % 2 == 0 ? *node_a_ : *node_b_;
      for (int i = 0; i < kSaves; ++i) {
        const std::string& id = live_ids[t * kSessionsPerThread + i % kSessionsPerThread];
        auto found = repo.find(id);
        if (!found) {
          record("find: " + found.error().to_string());
          continue;
        }
        if (!found->has_value()) {
          record("live session lost");
          continue;
        }
        Session s = std::move(**found);
        (void)s.set_int("n", i);
        (void)s.set_int("t" + std::to_string(t), i);
        if (auto r = repo.save(s); !r) record("save: " + r.error().to_string());
      }
    });
  }
  for (auto& th : savers) th.join();
  stop = true;
  litterer.join();
  for (auto& th : purgers) th.join();

  for (const auto& e : errors) ADD_FAILURE() << e;
  EXPECT_GT(purged.load(), 0u) << "the purge loop never purged anything";
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kSessionsPerThread; ++k) {
      auto found = node_a_->find(live_ids[t * kSessionsPerThread + k]);
      ASSERT_TRUE(found.ok()) << found.error().to_string();
      ASSERT_TRUE(found->has_value()) << "live session lost";
      const int last = ((kSaves - 1 - k) / kSessionsPerThread) * kSessionsPerThread + k;
      EXPECT_EQ((*found)->get_int("n"), last);
      EXPECT_EQ(*(*found)->attribute("seed"), "x");
    }
  }
  // Whatever litter is left goes in one more pass; the live sessions stay.
  for (;;) {
    auto n = node_a_->purge_expired(1000);
    ASSERT_TRUE(n.ok()) << n.error().to_string();
    if (*n == 0) break;
  }
  auto count = node_a_->count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, static_cast<std::size_t>(kThreads * kSessionsPerThread));
  std::size_t listed = 0;
  for (int u = 0; u < 5; ++u) {
    auto l = node_b_->find_by_principal("user" + std::to_string(u));
    ASSERT_TRUE(l.ok());
    listed += l->size();
  }
  EXPECT_EQ(listed, static_cast<std::size_t>(kThreads * kSessionsPerThread));
}

// While another node holds the purge lock, purge_expired returns 0 at once and deletes
// nothing; once it is released, the expired sessions go.
class SqlPurgeLock : public SqlPurgeUnderLoad {};

TEST_P(SqlPurgeLock, OneNodeAtATime) {
  for (int i = 0; i < 5; ++i) {
    Session s = node_a_->create();
    s.set_max_inactive(std::chrono::milliseconds(0));
    ASSERT_TRUE(node_a_->save(s).ok());
  }
  sql::DriverOptions d;
  d.url = *sql::parse_db_url(url());
  d.name = "other-node";
  auto driver = GetParam() == "Postgres" ? sql::make_postgres_driver(d) : sql::make_mysql_driver(d);
  auto other = driver->connect();
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  auto held = driver->lock(**other, "purge:" + ns_, /*wait=*/false);
  ASSERT_TRUE(held.ok() && *held) << "could not take the purge lock";

  const auto start = std::chrono::steady_clock::now();
  auto blocked = node_b_->purge_expired(100);
  ASSERT_TRUE(blocked.ok()) << blocked.error().to_string();
  EXPECT_EQ(*blocked, 0u) << "purged while another node held the lock";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "it waited";

  ASSERT_TRUE(driver->unlock(**other, "purge:" + ns_).ok());
  auto purged = node_b_->purge_expired(100);
  ASSERT_TRUE(purged.ok()) << purged.error().to_string();
  EXPECT_EQ(*purged, 5u);
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlPurgeLock, ::testing::Values("Postgres", "Mariadb"),
                         [](const auto& p) { return p.param; });

INSTANTIATE_TEST_SUITE_P(Sql, SqlPurgeUnderLoad, ::testing::Values("Postgres", "Mariadb", "Sqlite"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sessionpp::testing
