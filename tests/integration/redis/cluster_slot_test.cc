// Redis Cluster key slots and the cluster / sentinel URI forms. Expected slots are what
// `CLUSTER KEYSLOT` of Redis 7.0 answers.

#include <gtest/gtest.h>

#include "sessionpp/redis_store.h"
#include "stores/redis/cluster_slot.h"

namespace sessionpp::redis {
namespace {

TEST(RedisClusterSlotTest, Crc16IsTheXmodemVariantOfTheSpecification) {
  EXPECT_EQ(crc16("123456789"), 0x31C3);
  EXPECT_EQ(crc16(""), 0);
}

TEST(RedisClusterSlotTest, SlotsMatchTheServer) {
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("hello"), 866);
  EXPECT_EQ(key_slot("somekey"), 11058);
  EXPECT_EQ(key_slot("sessionpp:expiries"), 2621);
}

TEST(RedisClusterSlotTest, HashTagsFollowTheFirstBracePair) {
  EXPECT_EQ(key_slot("{user1000}.following"), 3443);
  EXPECT_EQ(key_slot("{user1000}.followers"), 3443);
  EXPECT_EQ(key_slot("foo{}{bar}"), 8363);     // empty tag: the whole key
  EXPECT_EQ(key_slot("foo{{bar}}zap"), 4015);  // tag "{bar"
  EXPECT_EQ(hash_tag("foo{bar}{zap}"), "bar");
  EXPECT_EQ(hash_tag("foo{bar"), "foo{bar");
  // A session's keys: the handle is the tag.
  EXPECT_EQ(key_slot("sessionpp:{abc}"), key_slot("other:{abc}"));
}

TEST(RedisClusterUriTest, ClusterUriListsTheSeeds) {
  auto o = RedisOptions::from_uri(
      "redis+cluster://:pw@127.0.0.1:17001,[::1]:17002,node3?key_prefix=k%3A&pool_size=3");
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->mode, RedisMode::kCluster);
  EXPECT_EQ(o->cluster_nodes,
            (std::vector<std::string>{"127.0.0.1:17001", "[::1]:17002", "node3:6379"}));
  EXPECT_EQ(o->password, "pw");
  EXPECT_EQ(o->key_prefix, "k:");
  EXPECT_EQ(o->pool.size, 3u);
  auto db = RedisOptions::from_uri("redis+cluster://:secret@h:1/2");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("database"), std::string::npos) << db.error().message;
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos);
}

TEST(RedisClusterUriTest, SentinelUriNamesTheMaster) {
  auto o = RedisOptions::from_uri(
      "redis+sentinel://u:pw@127.0.0.1:17201,127.0.0.1/mymaster/3?sentinel_password=sp");
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->mode, RedisMode::kSentinel);
  EXPECT_EQ(o->sentinels, (std::vector<std::string>{"127.0.0.1:17201", "127.0.0.1:26379"}));
  EXPECT_EQ(o->master_name, "mymaster");
  EXPECT_EQ(o->database, 3);
  EXPECT_EQ(o->username, "u");
  EXPECT_EQ(o->password, "pw");
  EXPECT_EQ(o->sentinel_password, "sp");
  auto no_name = RedisOptions::from_uri("redis+sentinel://127.0.0.1:17201");
  ASSERT_FALSE(no_name.ok());
  EXPECT_NE(no_name.error().message.find("master name"), std::string::npos);
  auto two = RedisOptions::from_uri("redis://a:1,b:2");
  ASSERT_FALSE(two.ok());
}

TEST(RedisClusterUriTest, OptionsAreValidated) {
  auto r = open_redis_store(RedisOptions{.mode = RedisMode::kCluster});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cluster_nodes"), std::string::npos) << r.error().message;
  auto s = open_redis_store(RedisOptions{.mode = RedisMode::kSentinel, .sentinels = {"h:1"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("master_name"), std::string::npos) << s.error().message;
  // Nothing listens there: names the seeds.
  auto down = open_redis_store(RedisOptions{
      .mode = RedisMode::kCluster, .cluster_nodes = {"127.0.0.1:1"}, .password = "topsecret"});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, Errc::kUnavailable);
  EXPECT_NE(down.error().message.find("127.0.0.1:1"), std::string::npos) << down.error().message;
  EXPECT_EQ(down.error().message.find("topsecret"), std::string::npos);
}

}  // namespace
}  // namespace sessionpp::redis
