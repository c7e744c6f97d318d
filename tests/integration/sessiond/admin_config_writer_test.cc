// The TOML rewrite behind the console's Save and `sessionctl config set-persistence`: only the
// edited keys change, the result parses with sessiond's own parser, secrets can be masked, and
// the file is replaced atomically with its mode kept.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "config.h"
#include "config_writer.h"
#include "support/sessiond_process.h"

namespace sessiond {
namespace {

constexpr std::string_view kOriginal = R"(# comment
[server]
listen = "127.0.0.1:9000"
worker_threads = 2

[security]
session_timeout = "45m"

[security.session_persistence.redis]
password_env = "REDIS_PW"
key_prefix = "app:"

[databases.main]
url = "postgresql://u:secret@db:5432/app"
)";

TEST(AdminConfigWriter, ChangesOnlyTheEditedKeysAndKeepsTheRest) {
  ConfigEdit edit;
  edit.set.emplace_back("security.session_persistence.type", std::string("redis"));
  edit.set.emplace_back("security.session_persistence.redis.port", std::int64_t{6380});
  edit.set.emplace_back("security.session_persistence.redis.password", std::string("pw"));
  edit.set.emplace_back("security.authentication", true);
  edit.erase.push_back("security.session_persistence.redis.password_env");
  auto text = apply_edit(kOriginal, "t.toml", edit);
  ASSERT_TRUE(text) << text.error().message;
  auto c = parse_config(*text, "t.toml");
  ASSERT_TRUE(c) << c.error().message << "\n" << *text;
  EXPECT_EQ(c->security.persistence.type, "redis");
  EXPECT_EQ(c->security.persistence.redis.port, 6380);
  EXPECT_EQ(c->security.persistence.redis.password.value, "pw");
  EXPECT_TRUE(c->security.persistence.redis.password.env.empty());
  EXPECT_EQ(c->security.persistence.redis.key_prefix, "app:");
  EXPECT_EQ(c->server.worker_threads, 2);
  EXPECT_EQ(c->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(c->security.session_timeout, std::chrono::minutes(45));
  ASSERT_EQ(c->databases.size(), 1u);
  EXPECT_EQ(c->databases[0].url, "postgresql://u:secret@db:5432/app");
}

TEST(AdminConfigWriter, RefusesBadTomlAndAKeyUnderAValue) {
  auto bad = apply_edit("[security\n", "t.toml", {});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("t.toml:1"), std::string::npos) << bad.error().message;
  ConfigEdit edit;
  edit.set.emplace_back("server.listen.port", std::int64_t{1});
  auto under = apply_edit(kOriginal, "t.toml", edit);
  ASSERT_FALSE(under);
  EXPECT_NE(under.error().message.find("server.listen.port"), std::string::npos);
}

TEST(AdminConfigWriter, MasksEverySecret) {
  auto masked = masked_config(
      std::string(kOriginal) + "[security.session_persistence.mongodb]\npassword = \"m-pw\"\n",
      "t.toml");
  ASSERT_TRUE(masked);
  EXPECT_EQ(masked->find("secret"), std::string::npos) << *masked;
  EXPECT_EQ(masked->find("m-pw"), std::string::npos) << *masked;
  EXPECT_NE(masked->find("u:********@db:5432"), std::string::npos) << *masked;
  EXPECT_NE(masked->find("REDIS_PW"), std::string::npos) << "variable names are not secret";
}

TEST(AdminConfigWriter, WritesAtomicallyAndKeepsTheFileMode) {
  const std::string dir = sessionpp::testing::make_temp_dir("config-writer");
  const std::string path = dir + "/sessiond.toml";
  std::ofstream(path) << "old";
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  ASSERT_TRUE(write_file_atomically(path, "new = 1\n"));
  auto text = read_file(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "new = 1\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  auto missing = write_file_atomically(dir + "/no/such/dir/f.toml", "x");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no/such/dir"), std::string::npos);
  sessionpp::testing::remove_tree(dir);
}

}  // namespace
}  // namespace sessiond
