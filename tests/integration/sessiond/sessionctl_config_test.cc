// sessionctl config show / set-persistence / test, over a file of the test's own and real stores.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "integration/sessiond/sessiond_test_util.h"
#include "support/store_env.h"

namespace sessionpp::testing {
namespace {

const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
std::string redis_port() { return env_or("SESSIONPP_TEST_REDIS_PORT", "16379"); }
std::string redis_password() { return env_or("SESSIONPP_TEST_REDIS_PASSWORD", "sessionpp-test"); }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SessionctlConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("sessionctl-config");
    path_ = dir_ + "/sessiond.toml";
    prefix_ = fresh_namespace();
    ::setenv("SESSIONCTL_TEST_REDIS_PW", redis_password().c_str(), 1);
    write(
        "# a comment\n[server]\nlisten = \"127.0.0.1:9999\"\nworker_threads = 3\n\n"
        "[security]\nsession_timeout = \"45m\"\n\n"
        "[security.session_persistence.redis]\npassword = \"" +
        redis_password() + "\"\nkey_prefix = \"" + prefix_ +
        ":\"\n\n"
        "[security.session_persistence.jdbc]\ntable_prefix = \"" +
        prefix_ +
        "\"\n\n"
        "[databases.main]\nurl = \"postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/"
        "sessionpp\"\n\n[databases.readonly]\nurl = \"postgresql://sessionpp:sessionpp-test@"
        "127.0.0.1:15432/sessionpp_ro\"\n");
  }
  void TearDown() override { remove_tree(dir_); }
  void write(const std::string& text) { std::ofstream(path_) << text; }
  RunResult ctl(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(path_);
    return run_program(sessionctl_binary(), args);
  }

  std::string dir_;
  std::string path_;
  std::string prefix_;
};

TEST_F(SessionctlConfig, ShowMasksEverySecret) {
  RunResult r = ctl({"config", "show"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("sessionpp-test"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("password = '********'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sessionpp:********@127.0.0.1:15432"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("worker_threads = 3"), std::string::npos) << r.output;
}

TEST_F(SessionctlConfig, ConfigErrorsAndUsageExitWith2) {
  EXPECT_EQ(ctl({"config"}).exit_code, 2);
  EXPECT_EQ(ctl({"config", "frob"}).exit_code, 2);
  EXPECT_EQ(run_program(sessionctl_binary(), {"config", "show", "--config", dir_ + "/none.toml"})
                .exit_code,
            2);
  write("[security]\nsesion_timeout = \"1m\"\n");
  RunResult r = ctl({"config", "show"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("security.sesion_timeout: unknown setting"), std::string::npos)
      << r.output;
  EXPECT_EQ(ctl({"config", "test"}).exit_code, 2);
}

TEST_F(SessionctlConfig, SetPersistenceRefusesBadValuesAndLeavesTheFileAlone) {
  const std::string before = slurp(path_);
  RunResult r = ctl({"config", "set-persistence", "redis", "--port", "70000"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--port"), std::string::npos) << r.output;
  EXPECT_EQ(ctl({"config", "set-persistence", "redis", "--host", ""}).exit_code, 2);
  EXPECT_EQ(ctl({"config", "set-persistence", "redis", "--database", "x"}).exit_code, 2);
  EXPECT_EQ(ctl({"config", "set-persistence", "etcd"}).exit_code, 2);
  EXPECT_EQ(ctl({"config", "set-persistence", "jdbc"}).exit_code, 2);
  r = ctl({"config", "set-persistence", "jdbc", "--database", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("nope"), std::string::npos) << r.output;
  EXPECT_EQ(ctl({"config", "set-persistence", "in-memory", "--host", "x"}).exit_code, 2);
  // Unreachable: exit 3, not written.
  r = ctl({"config", "set-persistence", "redis", "--host", "127.0.0.1", "--port", "1"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:1"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(path_), before);
}

TEST_F(SessionctlConfig, SetPersistenceToRedisTestsWritesAndKeepsTheRest) {
  RunResult r =
      ctl({"config", "set-persistence", "redis", "--host", "127.0.0.1", "--port", redis_port(),
           "--password-env", "SESSIONCTL_TEST_REDIS_PW", "--database", "6"});
  if (r.exit_code == 3 && !in_ci()) GTEST_SKIP() << "Redis is down: " << r.output;
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string file = slurp(path_);
  EXPECT_NE(file.find("type = 'redis'"), std::string::npos) << file;
  EXPECT_NE(file.find("password_env = 'SESSIONCTL_TEST_REDIS_PW'"), std::string::npos) << file;
  EXPECT_EQ(file.find("password = "), std::string::npos) << "the old password is replaced";
  EXPECT_NE(file.find("database = 6"), std::string::npos) << file;
  EXPECT_NE(file.find("worker_threads = 3"), std::string::npos) << file;
  EXPECT_NE(file.find("session_timeout = '45m'"), std::string::npos) << file;
  EXPECT_NE(file.find(prefix_), std::string::npos) << file;
  r = ctl({"config", "test"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("16379"), std::string::npos) << r.output;
  ::unsetenv("SESSIONCTL_TEST_REDIS_PW");
  r = ctl({"config", "test"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("SESSIONCTL_TEST_REDIS_PW"), std::string::npos) << r.output;
}

TEST_F(SessionctlConfig, ConfigTestOfSqlStoresReadOnlyIsRefusedWithItsReason) {
  ASSERT_EQ(ctl({"config", "set-persistence", "jdbc", "--database", "main", "--no-test"}).exit_code,
            0);
  RunResult r = ctl({"config", "test"});
  if (r.exit_code == 3 && !in_ci()) GTEST_SKIP() << "PostgreSQL is down: " << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string before_ro = slurp(path_);
  r = ctl({"config", "set-persistence", "jdbc", "--database", "readonly"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("read-only"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(path_), before_ro);
  // Unreachable Redis: 3.
  ASSERT_EQ(ctl({"config", "set-persistence", "redis", "--port", "1", "--no-test"}).exit_code, 0);
  EXPECT_EQ(ctl({"config", "test"}).exit_code, 3);
}

}  // namespace
}  // namespace sessionpp::testing
