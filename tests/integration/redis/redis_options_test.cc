// RedisOptions::from_uri and option validation: no server needed.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "sessionpp/redis_store.h"

namespace sessionpp {
namespace {

TEST(RedisOptionsTest, DefaultsMatchTheDocumentation) {
  RedisOptions o;
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 6379);
  EXPECT_EQ(o.database, 0);
  EXPECT_EQ(o.key_prefix, "sessionpp:");
  EXPECT_EQ(o.pool.size, 8u);
  RedisOptions designated{.host = "10.0.0.5", .pool = {.size = 16}};
  EXPECT_EQ(designated.pool.size, 16u);
  EXPECT_EQ(designated.port, 6379);
}

TEST(RedisOptionsTest, ParsesFullUri) {
  auto o = RedisOptions::from_uri(
      "redis://app%40eu:p%3Ass@w0rd@cache.internal:6380/5?key_prefix=myapp%3A&pool_size=16&"
      "connect_timeout_ms=250&command_timeout_ms=300&pool_wait_timeout_ms=0");
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->username, "app@eu");
  EXPECT_EQ(o->password, "p:ss@w0rd");
  EXPECT_EQ(o->host, "cache.internal");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->database, 5);
  EXPECT_EQ(o->key_prefix, "myapp:");
  EXPECT_EQ(o->pool.size, 16u);
  EXPECT_EQ(o->connect_timeout.count(), 250);
  EXPECT_EQ(o->command_timeout.count(), 300);
  EXPECT_EQ(o->pool.wait_timeout.count(), 0);
}

TEST(RedisOptionsTest, ParsesPasswordOnlyIpv6AndBareHost) {
  auto a = RedisOptions::from_uri("redis://:sessionpp-test@127.0.0.1:16379/3");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->username, "");
  EXPECT_EQ(a->password, "sessionpp-test");
  EXPECT_EQ(a->port, 16379);
  EXPECT_EQ(a->database, 3);
  auto b = RedisOptions::from_uri("redis://[::1]:7000");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 7000);
  auto c = RedisOptions::from_uri("redis://redis");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "redis");
  EXPECT_EQ(c->port, 6379);
  EXPECT_EQ(c->database, 0);
}

TEST(RedisOptionsTest, RefusesBadUrisNamingThePartAndNeverThePassword) {
  struct Case {
    const char* uri;
    const char* mentions;
  };
  for (const Case& c :
       {Case{"http://x", "redis://"}, Case{"rediss://h", "TLS"},
        Case{"redis://:topsecret@h:port", "port"}, Case{"redis://:topsecret@h:70000", "port"},
        Case{"redis://:topsecret@h/db", "database"}, Case{"redis://:topsecret@h/-1", "database"},
        Case{"redis://:topsecret@h?pool_size=0", "pool.size"},
        Case{"redis://:topsecret@h?key_prefix=%7B", "key_prefix"},
        Case{"redis://:topsecret@h?nope=1", "nope"}, Case{"redis://:top%zzsecret@h", "password"},
        Case{"redis://:pw@", "host"}}) {
    auto o = RedisOptions::from_uri(c.uri);
    ASSERT_FALSE(o.ok()) << c.uri;
    EXPECT_EQ(o.error().code, Errc::kInvalidArgument);
    EXPECT_NE(o.error().message.find(c.mentions), std::string::npos) << o.error().message;
    EXPECT_EQ(o.error().message.find("secret"), std::string::npos) << o.error().message;
  }
}

TEST(RedisOptionsTest, OpenValidatesOptionsBeforeConnecting) {
  struct Case {
    RedisOptions o;
    const char* mentions;
  };
  for (Case& c : std::vector<Case>{
           {RedisOptions{.host = ""}, "host"},
           {RedisOptions{.port = 0}, "port"},
           {RedisOptions{.database = -1}, "database"},
           {RedisOptions{.key_prefix = "a{b"}, "key_prefix"},
           {RedisOptions{.connect_timeout = std::chrono::milliseconds(0)}, "connect_timeout"},
           {RedisOptions{.command_timeout = std::chrono::milliseconds(-5)}, "command_timeout"},
           {RedisOptions{.pool = {.size = 0}}, "pool.size"},
           {RedisOptions{.pool = {.wait_timeout = std::chrono::milliseconds(-1)}},
            "pool.wait_timeout"}}) {
    auto r = open_redis_store(c.o);
    ASSERT_FALSE(r.ok()) << c.mentions;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.mentions), std::string::npos) << r.error().message;
  }
}

TEST(RedisOptionsTest, UnreachableServerIsUnavailableAndNamesHostPort) {
  // Port 1 on loopback: nothing listens there.
  auto r = open_redis_store(RedisOptions{.port = 1, .password = "topsecret"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().to_string();
  EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("topsecret"), std::string::npos);
}

// A loopback socket that accepts connections (the kernel's backlog) but never answers.
TEST(RedisOptionsTest, SilentServerTimesOutNamingTheTimeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  const auto start = std::chrono::steady_clock::now();
  auto r = open_redis_store(RedisOptions{
      .port = port, .password = "topsecret", .connect_timeout = std::chrono::milliseconds(200)});
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kTimeout) << r.error().to_string();
  EXPECT_NE(r.error().message.find("200 ms"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_EQ(r.error().message.find("topsecret"), std::string::npos);
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace sessionpp
