// sessiond's configuration parsing: defaults, durations, secrets and the errors' key names.
#include "config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "secret.h"

namespace sessiond {
namespace {

TEST(SessiondConfig, EmptyFileGivesTheDefaults) {
  auto c = parse_config("", "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c->server.max_body_bytes, 64u * 1024);
  EXPECT_TRUE(c->security.authentication);
  EXPECT_EQ(c->security.session_timeout, std::chrono::minutes(30));
  EXPECT_EQ(c->security.persistence.type, "in-memory");
  EXPECT_EQ(c->security.persistence.redis.port, 6379);
  EXPECT_EQ(c->server.worker_threads, sessiond::default_worker_threads());
  EXPECT_GE(c->server.worker_threads, 4);
  EXPECT_LE(c->server.worker_threads, 64);
  EXPECT_EQ(c->security.persistence.mongodb.port, 27017);
  EXPECT_EQ(c->security.http.cookie.name, "SESSION");
}

TEST(SessiondConfig, ReadsEveryPersistenceSectionAndDatabases) {
  auto c = parse_config(R"(
[security.session_persistence]
type = "jdbc"
[security.session_persistence.redis]
host = "10.1.2.3"
port = 6380
username = "app"
password_env = "REDIS_PW"
database = 4
key_prefix = "x:"
[security.session_persistence.jdbc]
database = "main"
[security.session_persistence.mongodb]
uri = "mongodb://h/db"
auth_source = "admin"
[databases.main]
url = "postgresql://app@127.0.0.1:5432/app"
password_file = "/run/secrets/pg"
)",
                        "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& p = c->security.persistence;
  EXPECT_EQ(p.redis.host, "10.1.2.3");
  EXPECT_EQ(p.redis.port, 6380);
  EXPECT_EQ(p.redis.password.env, "REDIS_PW");
  EXPECT_EQ(p.redis.database, 4);
  EXPECT_EQ(p.jdbc.database, "main");
  EXPECT_EQ(p.mongodb.uri, "mongodb://h/db");
  ASSERT_EQ(c->databases.size(), 1u);
  EXPECT_EQ(c->databases[0].name, "main");
  EXPECT_EQ(c->databases[0].password.file, "/run/secrets/pg");
}

TEST(SessiondConfig, ErrorsNameTheKey) {
  auto c = parse_config(
      "[security.session_persistence.redis]\npassword = \"a\"\n"
      "password_env = \"B\"\n",
      "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("security.session_persistence.redis.password"),
            std::string::npos)
      << c.error().message;
  EXPECT_EQ(c.error().message.find("\"a\""), std::string::npos) << "no secret in errors";
}

TEST(SessiondConfig, RedisSentinelAndClusterKeys) {
  auto c = parse_config(
      "[security.session_persistence.redis]\nmode = \"sentinel\"\n"
      "sentinels = [\"10.0.0.1:26379\", \"10.0.0.2:26379\"]\nmaster_name = \"main\"\n"
      "sentinel_password_env = \"SENTINEL_PW\"\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& r = c->security.persistence.redis;
  EXPECT_EQ(r.mode, "sentinel");
  EXPECT_EQ(r.sentinels, (std::vector<std::string>{"10.0.0.1:26379", "10.0.0.2:26379"}));
  EXPECT_EQ(r.master_name, "main");
  EXPECT_EQ(r.sentinel_password.env, "SENTINEL_PW");

  // The sentinel password, like the others, comes from one place only; the error names it
  // and does not echo it.
  auto twice = parse_config(
      "[security.session_persistence.redis]\nmode = \"sentinel\"\n"
      "sentinel_password = \"s3cret-value\"\nsentinel_password_file = \"/run/pw\"\n",
      "t.toml");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("security.session_persistence.redis.sentinel_password"),
            std::string::npos)
      << twice.error().message;
  EXPECT_EQ(twice.error().message.find("s3cret-value"), std::string::npos);

  auto lanes =
      parse_config("[security.session_persistence.redis]\npipelined_reads = 0\n", "t.toml");
  ASSERT_TRUE(lanes.ok()) << lanes.error().message;
  EXPECT_EQ(lanes->security.persistence.redis.pipelined_reads, 0);
  auto too_many =
      parse_config("[security.session_persistence.redis]\npipelined_reads = 65\n", "t.toml");
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("redis.pipelined_reads"), std::string::npos)
      << too_many.error().message;

  auto bad_mode = parse_config("[security.session_persistence.redis]\nmode = \"ring\"\n", "t.toml");
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.error().message.find("redis.mode"), std::string::npos)
      << bad_mode.error().message;
}

TEST(SessiondConfig, Durations) {
  EXPECT_EQ(parse_duration("250ms"), Duration(250));
  EXPECT_EQ(parse_duration("10s"), std::chrono::seconds(10));
  EXPECT_EQ(parse_duration("2d"), std::chrono::hours(48));
  EXPECT_EQ(parse_duration("-1"), std::chrono::seconds(-1));
  EXPECT_FALSE(parse_duration("soon").has_value());
  EXPECT_FALSE(parse_duration("5 s").has_value());
  EXPECT_FALSE(parse_duration("").has_value());
}

TEST(SessiondConfig, ListenAddresses) {
  EXPECT_EQ(parse_listen("127.0.0.1:0")->port, 0);
  EXPECT_EQ(parse_listen("[::1]:8080")->host, "::1");
  EXPECT_FALSE(parse_listen("host").ok());
  EXPECT_FALSE(parse_listen("host:99999").ok());
  EXPECT_FALSE(parse_listen(":80").ok());
}

TEST(SessiondSecret, FromEnvironmentNamesTheVariableNotTheValue) {
  ::setenv("SESSIOND_TEST_SECRET", "s3cret", 1);
  EXPECT_EQ(*resolve(Secret{.env = "SESSIOND_TEST_SECRET"}, "k"), "s3cret");
  auto missing = resolve(Secret{.env = "SESSIOND_TEST_SECRET_MISSING"}, "k");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("SESSIOND_TEST_SECRET_MISSING"), std::string::npos);
  EXPECT_FALSE(resolve(Secret{.file = "/nonexistent/secret"}, "k").ok());
}

}  // namespace
}  // namespace sessiond
