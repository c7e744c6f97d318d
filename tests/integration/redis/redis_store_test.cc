// Redis-specific behaviour beyond the contract: what is stored, TTLs, authentication, ACLs,
// script-cache loss, undecodable records.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"

namespace sessionpp::testing {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = "it" + fresh_namespace();
    options_ = redis_test_options(prefix_);
    SESSIONPP_REQUIRE_STORE(open_redis_store(options_), repo_);
    raw_ = redis_raw(options_);
    ASSERT_NE(raw_, nullptr);
  }
  void TearDown() override {
    repo_.reset();
    if (raw_) redis_delete_prefix(options_, prefix_);
  }

  Session save_new_with_attr() {
    Session s = repo_->create();
    EXPECT_TRUE(s.set_attribute("before", "flush").ok());
    EXPECT_TRUE(repo_->save(s).ok());
    return s;
  }

  std::string prefix_;
  RedisOptions options_;
  std::unique_ptr<SessionRepository> repo_;
  std::unique_ptr<redis::Connection> raw_;
};

// Everything stored under the prefix, keys and values, as one list of byte strings.
std::vector<std::string> dump(redis::Connection& conn, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& key : redis_keys(conn, prefix)) {
    out.push_back(key);
    auto type = redis_cmd(conn, {"TYPE", key});
    const std::string_view t = redis::reply_str(type.get());
    redis::ReplyPtr all;
    if (t == "hash") all = redis_cmd(conn, {"HGETALL", key});
    if (t == "zset") all = redis_cmd(conn, {"ZRANGE", key, "0", "-1", "WITHSCORES"});
    for (std::size_t i = 0; i < redis::reply_size(all.get()); ++i) {
      out.emplace_back(redis::reply_str(redis::reply_at(all.get(), i)));
    }
  }
  return out;
}

TEST_F(RedisStoreTest, NoRawIdAppearsInAnyKeyOrValue) {
  std::vector<std::string> ids;
  std::vector<std::string> handles;
  for (int i = 0; i < 20; ++i) {
    Session s = repo_->create();
    s.set_principal(i % 2 == 0 ? "alice" : "bob");
    ASSERT_TRUE(s.set_attribute("n", std::to_string(i)).ok());
    ASSERT_TRUE(repo_->save(s).ok());
    ids.push_back(s.id()->str());
    if (i % 5 == 0) {
      ASSERT_TRUE(repo_->change_id(s).ok());
      ids.push_back(s.id()->str());
    }
    handles.push_back(s.handle());
  }
  const auto all = dump(*raw_, prefix_);
  ASSERT_FALSE(all.empty());
  for (const auto& id : ids) {
    for (const auto& item : all) {
      ASSERT_EQ(item.find(id), std::string::npos) << "raw id stored in '" << item << "'";
    }
  }
  // The handles are what is stored: the scan did look at the sessions.
  std::set<std::string> keys(all.begin(), all.end());
  for (const auto& h : handles) EXPECT_TRUE(keys.count(prefix_ + "{" + h + "}")) << h;
}

TEST_F(RedisStoreTest, EverySessionKeyHasTheTtlOfItsExpiry) {
  // The system clock here: Redis expires keys by real time.
  std::vector<Session> sessions;
  for (Duration timeout :
       {Duration(minutes(30)), Duration(minutes(1)), Duration(seconds(90)), milliseconds(-1)}) {
    Session s = repo_->create();
    s.set_max_inactive(timeout);
    ASSERT_TRUE(repo_->save(s).ok());
    sessions.push_back(std::move(s));
  }
  {  // A deadline below the idle timeout wins.
    Session s = repo_->create();
    s.set_absolute_deadline(repo_->now() + seconds(40));
    ASSERT_TRUE(repo_->save(s).ok());
    sessions.push_back(std::move(s));
  }
  {  // An update recomputes the expiry: a shorter timeout shortens the TTL.
    auto found = repo_->find(sessions[0].id()->str());
    ASSERT_TRUE(found.ok() && found->has_value());
    (*found)->set_max_inactive(seconds(20));
    ASSERT_TRUE(repo_->save(**found).ok());
    sessions[0] = std::move(**found);
  }
  for (const Session& s : sessions) {
    const std::string key = prefix_ + "{" + s.handle() + "}";
    auto at = redis_cmd(*raw_, {"PEXPIRETIME", key});
    ASSERT_NE(at, nullptr);
    auto pttl = redis_cmd(*raw_, {"PTTL", key});
    const auto expires = s.expires_at();
    if (!expires) {
      EXPECT_EQ(redis::reply_int(at.get()), -1) << "a never-expiring session has a TTL";
      EXPECT_EQ(redis::reply_int(pttl.get()), -1);
      continue;
    }
    EXPECT_EQ(redis::reply_int(at.get()), to_epoch_ms(*expires)) << key;
    const auto remaining = (*expires - repo_->now()).count();
    const auto ttl = redis::reply_int(pttl.get()).value_or(-100);
    EXPECT_LE(ttl, remaining + 5) << key;
    EXPECT_GE(ttl, remaining - 2000) << key;
  }
  // The indexes carry an expiry too (the expiry index has a never-expiring member: none).
  Session owned = repo_->create();
  owned.set_principal("ttl-user");
  owned.set_max_inactive(minutes(5));
  ASSERT_TRUE(repo_->save(owned).ok());
  auto idx = redis_cmd(*raw_, {"PEXPIRETIME", prefix_ + "principal:{ttl-user}"});
  EXPECT_EQ(redis::reply_int(idx.get()), to_epoch_ms(*owned.expires_at()));
  auto exp_idx = redis_cmd(*raw_, {"PTTL", prefix_ + "expiries"});
  EXPECT_EQ(redis::reply_int(exp_idx.get()), -1);
}

// A save sends its index steps with the script, computed from the caller's copy; when another
// node changed the session meanwhile, the script's reply wins and the indexes follow the store.
TEST_F(RedisStoreTest, IndexesFollowTheStoredSessionWhenAnotherNodeChangedIt) {
  std::unique_ptr<SessionRepository> other;
  SESSIONPP_REQUIRE_STORE(open_redis_store(options_), other);
  Session s = repo_->create();
  s.set_principal("alice");
  s.set_max_inactive(minutes(5));
  ASSERT_TRUE(repo_->save(s).ok());
  const std::string id = s.id()->str();

  auto mine = repo_->find(id);  // this node's copy: alice, 5 minutes
  ASSERT_TRUE(mine.ok() && mine->has_value());
  auto theirs = other->find(id);  // another node makes it bob's, for 50 minutes
  ASSERT_TRUE(theirs.ok() && theirs->has_value());
  (*theirs)->set_principal("bob");
  (*theirs)->set_max_inactive(minutes(50));
  ASSERT_TRUE(other->save(**theirs).ok());

  ASSERT_TRUE((*mine)->set_attribute("cart", "3 items").ok());
  ASSERT_TRUE(repo_->save(**mine).ok());

  // Looked at before any listing, which would prune a stale entry by itself.
  auto alice_entry = redis_cmd(*raw_, {"ZSCORE", prefix_ + "principal:{alice}", s.handle()});
  EXPECT_EQ(alice_entry->type, REDIS_REPLY_NIL) << "the stale guess was taken back";
  auto alice = repo_->find_by_principal("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_TRUE(alice->empty());
  auto bob = repo_->find_by_principal("bob");
  ASSERT_TRUE(bob.ok());
  ASSERT_EQ(bob->size(), 1u);
  EXPECT_EQ((*bob)[0].handle, s.handle());

  const std::string key = prefix_ + "{" + s.handle() + "}";
  auto expires = redis_cmd(*raw_, {"PEXPIRETIME", key});
  const auto expires_ms = redis::reply_int(expires.get()).value_or(-1);
  EXPECT_GT(expires_ms, to_epoch_ms(repo_->now() + minutes(45))) << "the stored timeout stays";
  for (const std::string& index : {prefix_ + "expiries", prefix_ + "principal:{bob}"}) {
    auto score = redis_cmd(*raw_, {"ZSCORE", index, s.handle()});
    EXPECT_EQ(redis::reply_str(score.get()), std::to_string(expires_ms)) << index;
  }

  // Deleted elsewhere: the save is refused and leaves no index entry behind.
  auto again = repo_->find(id);
  ASSERT_TRUE(again.ok() && again->has_value());
  ASSERT_TRUE(other->remove(**theirs).ok());
  ASSERT_TRUE((*again)->set_attribute("cart", "4 items").ok());
  auto late = repo_->save(**again);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::kGone);
  for (const std::string& index : {prefix_ + "expiries", prefix_ + "principal:{bob}"}) {
    auto score = redis_cmd(*raw_, {"ZSCORE", index, s.handle()});
    EXPECT_EQ(score->type, REDIS_REPLY_NIL) << index;
  }
}

TEST_F(RedisStoreTest, AttributeNamesCannotOverwriteMetadata) {
  Session s = repo_->create();
  s.set_principal("meta");
  for (const char* name : {"#a", "#m", "#p", "#c", "#d", "#v", "=x"}) {
    ASSERT_TRUE(s.set_attribute(name, "attack").ok());
  }
  ASSERT_TRUE(repo_->save(s).ok());
  auto found = repo_->find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->principal(), "meta");
  EXPECT_EQ((*found)->max_inactive(), minutes(30));
  EXPECT_EQ((*found)->created(), s.created());
  EXPECT_EQ((*found)->attributes(), s.attributes());
}

TEST_F(RedisStoreTest, RecoversFromAFlushedScriptCache) {
  Session s = save_new_with_attr();
  redis_cmd(*raw_, {"SCRIPT", "FLUSH"});
  auto found = repo_->find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE((*found)->set_attribute("after", "flush").ok());
  ASSERT_TRUE(repo_->save(**found).ok());
  redis_cmd(*raw_, {"SCRIPT", "FLUSH"});
  ASSERT_TRUE(repo_->change_id(**found).ok());
  auto again = repo_->find((*found)->id()->str());
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ(*(*again)->attribute("after"), "flush");
}

TEST_F(RedisStoreTest, UndecodableRecordIsAbsentAndLogged) {
  std::vector<std::string> lines;
  RedisOptions o = options_;
  o.log = [&](std::string_view l) { lines.emplace_back(l); };
  auto opened = open_redis_store(o);
  ASSERT_TRUE(opened.ok());
  auto& repo = *opened;
  Session s = repo->create();
  ASSERT_TRUE(repo->save(s).ok());
  const std::string key = prefix_ + "{" + s.handle() + "}";
  redis_cmd(*raw_, {"HSET", key, "#a", "not-a-number"});
  auto found = repo->find(s.id()->str());
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_FALSE(found->has_value());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("undecodable"), std::string::npos) << lines[0];
  // A key of another type where a session hash should be: absent too, not an error.
  const std::string foreign(64, 'a');
  redis_cmd(*raw_, {"SET", prefix_ + "{" + foreign + "}", "not a hash"});
  auto other = repo->find_by_handle(foreign);
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  EXPECT_FALSE(other->has_value());
  EXPECT_EQ(lines.size(), 2u);
  // A save of a stale copy is refused rather than writing into the broken record.
  ASSERT_TRUE(s.set_attribute("x", "y").ok());
  auto saved = repo->save(s);
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.error().code, Errc::kGone);
}

TEST_F(RedisStoreTest, PurgeReportsSessionsRedisAlreadyExpired) {
  Session s = repo_->create();
  s.set_principal("short");
  s.set_max_inactive(milliseconds(50));
  ASSERT_TRUE(repo_->save(s).ok());
  // Redis expires the hash by itself; the indexes still name it.
  for (int i = 0; i < 100; ++i) {
    auto exists = redis_cmd(*raw_, {"EXISTS", prefix_ + "{" + s.handle() + "}"});
    if (redis::reply_int(exists.get()) == 0) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  auto purged = repo_->purge_expired();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  auto idx = redis_cmd(*raw_, {"ZCARD", prefix_ + "expiries"});
  EXPECT_EQ(redis::reply_int(idx.get()), 0);
}

// A save that finds its session expired writes nothing, and leaves the expiry index as it was,
// so that purge_expired still reports the expiry (the save's index step went out with it).
TEST_F(RedisStoreTest, ASaveOfAnExpiredSessionStillLeavesItsExpiryToPurge) {
  Session s = repo_->create();
  s.set_principal("late");
  s.set_max_inactive(milliseconds(50));
  ASSERT_TRUE(repo_->save(s).ok());
  auto held = repo_->find(s.id()->str());
  ASSERT_TRUE(held.ok() && held->has_value());
  const std::string expiries = prefix_ + "expiries";
  auto before = redis_cmd(*raw_, {"ZSCORE", expiries, s.handle()});
  const std::string score(redis::reply_str(before.get()));
  ASSERT_FALSE(score.empty());
  for (int i = 0; i < 100; ++i) {  // Redis expires the hash by itself
    auto exists = redis_cmd(*raw_, {"EXISTS", prefix_ + "{" + s.handle() + "}"});
    if (redis::reply_int(exists.get()) == 0) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_TRUE((*held)->set_attribute("cart", "too late").ok());
  auto late = repo_->save(**held);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::kGone);
  auto after = redis_cmd(*raw_, {"ZSCORE", expiries, s.handle()});
  EXPECT_EQ(redis::reply_str(after.get()), score) << "the expiry index entry was changed";
  auto in_user_index = redis_cmd(*raw_, {"ZSCORE", prefix_ + "principal:{late}", s.handle()});
  EXPECT_EQ(in_user_index->type, REDIS_REPLY_NIL);
  auto purged = repo_->purge_expired();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u) << "the expiry was not reported";
}

TEST_F(RedisStoreTest, KeyspaceCheckLogsAndNeverSetsConfig) {
  std::vector<std::string> lines;
  RedisOptions o = options_;
  o.keyspace_events = true;
  o.log = [&](std::string_view l) { lines.emplace_back(l); };
  auto before = redis_cmd(*raw_, {"CONFIG", "GET", "notify-keyspace-events"});
  ASSERT_TRUE(open_redis_store(o).ok());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("notify-keyspace-events"), std::string::npos) << lines[0];
  auto after = redis_cmd(*raw_, {"CONFIG", "GET", "notify-keyspace-events"});
  EXPECT_EQ(redis::reply_str(redis::reply_at(before.get(), 1)),
            redis::reply_str(redis::reply_at(after.get(), 1)));
}

TEST_F(RedisStoreTest, WrongPasswordIsAClearAuthenticationError) {
  RedisOptions o = options_;
  o.password = "definitely-wrong-pw";
  auto r = open_redis_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message.find("authentication failed"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(o.host + ":" + std::to_string(o.port)), std::string::npos);
  EXPECT_EQ(r.error().message.find("definitely-wrong-pw"), std::string::npos);

  o.password.clear();
  o.username.clear();
  auto none = open_redis_store(o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::kInvalidArgument);
  EXPECT_NE(none.error().message.find("requires authentication"), std::string::npos)
      << none.error().message;
}

TEST_F(RedisStoreTest, WrongUsernameNamesTheUser) {
  RedisOptions o = options_;
  o.username = "no-such-user";
  auto r = open_redis_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("user 'no-such-user'"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(o.password), std::string::npos);
}

TEST_F(RedisStoreTest, DatabaseOutOfRangeIsAClearError) {
  RedisOptions o = options_;
  o.database = 4096;
  auto r = open_redis_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("database 4096"), std::string::npos) << r.error().message;
}

TEST_F(RedisStoreTest, PoolWaitsThenTimesOut) {
  RedisOptions o = options_;
  o.pool = {.size = 1, .wait_timeout = milliseconds(0)};
  auto opened = open_redis_store(o);
  ASSERT_TRUE(opened.ok());
  auto& repo = *opened;
  // 8 threads over one connection with no waiting: some calls find it busy.
  std::atomic<int> ok{0}, timeouts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = repo->count();
        if (r) {
          ++ok;
        } else if (r.error().code == Errc::kTimeout &&
                   r.error().message.find("pool.wait_timeout") != std::string::npos) {
          ++timeouts;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(timeouts.load(), 0);
  EXPECT_EQ(other.load(), 0);
}

// Auto-pipelined finds from many threads share one connection: each caller must get its own
// reply, never a neighbour's.
TEST_F(RedisStoreTest, ConcurrentFindsEachGetTheirOwnSession) {
  RedisOptions o = options_;
  o.pool.pipelined_reads = 1;
  auto opened = open_redis_store(o);
  ASSERT_TRUE(opened.ok());
  auto& repo = *opened;
  std::vector<std::string> ids;
  for (int i = 0; i < 64; ++i) {
    Session s = repo->create();
    ASSERT_TRUE(s.set_int("owner", i).ok());
    ASSERT_TRUE(repo->save(s).ok());
    ids.push_back(s.id()->str());
  }
  std::atomic<int> wrong{0}, failed{0}, found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const int k = (t * 7 + i * 13) % 64;
        auto r = (i % 3 == 0) ? repo->find(SessionId::generate().str()) : repo->find(ids[k]);
        if (!r) {
          ++failed;
        } else if (i % 3 == 0) {
          if (r->has_value()) ++wrong;  // an unknown id found something
        } else if (!r->has_value() || (*r)->get_int("owner") != k) {
          ++wrong;
        } else {
          ++found;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(found.load(), 16 * 200);
}

// The ACL user of scripts/services.d/redis.sh may only touch keys under its prefix.
TEST(RedisAclTest, UserLimitedToThePrefixWorksAndIsRefusedOutsideIt) {
  const char* url = std::getenv("SESSIONPP_TEST_REDIS_ACL_URL");
  const char* acl_prefix = std::getenv("SESSIONPP_TEST_REDIS_ACL_PREFIX");
  auto parsed = RedisOptions::from_uri(
      url ? url : "redis://sessionpp-acl:sessionpp-acl-test@127.0.0.1:16379/4");
  ASSERT_TRUE(parsed.ok());
  RedisOptions o = *parsed;
  o.key_prefix = std::string(acl_prefix ? acl_prefix : "sessionpp-acl:") + fresh_namespace();
  std::vector<std::string> log;
  o.log = [&](std::string_view l) { log.emplace_back(l); };
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_redis_store(o), repo);
  // CONFIG GET is not granted: the check says so instead of failing.
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("not allowed"), std::string::npos) << log[0];

  Session s = repo->create();
  s.set_principal("acl-user");
  ASSERT_TRUE(s.set_attribute("k", "v").ok());
  ASSERT_TRUE(repo->save(s).ok());
  ASSERT_TRUE(repo->change_id(s).ok());
  auto found = repo->find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value()) << (found ? "" : found.error().to_string());
  ASSERT_TRUE((*found)->set_attribute("k2", "v2").ok());
  ASSERT_TRUE(repo->save(**found).ok());
  auto listed = repo->find_by_principal("acl-user");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_TRUE(repo->count().ok());
  EXPECT_TRUE(repo->purge_expired().ok());
  auto removed = repo->remove_by_principal("acl-user");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_TRUE(repo->ping().ok());

  // Outside its key pattern the same user is refused, with an error naming it.
  RedisOptions outside = o;
  outside.key_prefix = "not-granted:";
  auto other = open_redis_store(outside);
  ASSERT_TRUE(other.ok()) << other.error().to_string();  // opening touches no key
  Session t = (*other)->create();
  auto denied = (*other)->save(t);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, Errc::kReadOnly);
  EXPECT_NE(denied.error().message.find("user 'sessionpp-acl'"), std::string::npos)
      << denied.error().message;
}

}  // namespace
}  // namespace sessionpp::testing
