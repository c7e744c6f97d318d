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

TEST_F(SessionctlConfig, RedisModeOptionsAreCheckedAndLeaveTheFileAloneWhenWrong) {
  const std::string before = slurp(path_);
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"--mode", "ring"}, "--mode"},
      {{"--mode", "cluster"}, "--cluster-nodes"},
      {{"--cluster-nodes", "127.0.0.1:0"}, "--cluster-nodes"},
      {{"--cluster-nodes", "127.0.0.1:7000,::1:7001"}, "::1:7001"},
      {{"--cluster-nodes", " , "}, "--cluster-nodes"},
      {{"--mode", "sentinel", "--sentinels", "127.0.0.1:26379"}, "--master-name"},
      {{"--mode", "cluster", "--cluster-nodes", "h:1", "--master-name", "m"}, "--mode sentinel"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"config", "set-persistence", "redis"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = ctl(args);
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.args[1] << ": " << r.output;
    EXPECT_NE(r.output.find(c.names), std::string::npos) << r.output;
  }
  RunResult r = ctl({"config", "set-persistence", "mongodb", "--mode", "cluster"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("redis only"), std::string::npos) << r.output;
  EXPECT_EQ(slurp(path_), before);
}

// Against the test cluster and Sentinels (scripts/services start redis-cluster redis-sentinel):
// the probe proves each setting reaches a writable master before the file is written.
TEST_F(SessionctlConfig, SetPersistenceToRedisClusterThenSentinelThenStandalone) {
  const std::string nodes = env_or("SESSIONPP_TEST_REDIS_CLUSTER_NODES",
                                   "127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003");
  ::setenv("SESSIONCTL_TEST_CLUSTER_PW",
           env_or("SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD", "sessionpp-test"), 1);
  ::setenv("SESSIONCTL_TEST_SENTINEL_PW",
           env_or("SESSIONPP_TEST_REDIS_SENTINEL_PASSWORD", "sessionpp-sentinel"), 1);
  RunResult r = ctl({"config", "set-persistence", "redis", "--mode", "cluster", "--cluster-nodes",
                     nodes, "--password-env", "SESSIONCTL_TEST_CLUSTER_PW"});
  if (r.exit_code == 3 && !in_ci()) GTEST_SKIP() << "the test cluster is down: " << r.output;
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("redis cluster"), std::string::npos) << r.output;
  std::string file = slurp(path_);
  EXPECT_NE(file.find("mode = 'cluster'"), std::string::npos) << file;
  EXPECT_NE(file.find("cluster_nodes = [ '" + nodes.substr(0, nodes.find(',')) + "'"),
            std::string::npos)
      << file;
  EXPECT_EQ(file.find("database ="), std::string::npos) << "a cluster has database 0 only";

  const std::string sentinels =
      env_or("SESSIONPP_TEST_REDIS_SENTINELS", "127.0.0.1:17201,127.0.0.1:17202,127.0.0.1:17203");
  r = ctl({"config", "set-persistence", "redis", "--mode", "sentinel", "--sentinels", sentinels,
           "--master-name", env_or("SESSIONPP_TEST_REDIS_SENTINEL_MASTER", "sessionpp"),
           "--sentinel-password-env", "SESSIONCTL_TEST_SENTINEL_PW", "--password-env",
           "SESSIONCTL_TEST_REDIS_PW", "--database", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("through 3 sentinels"), std::string::npos) << r.output;
  file = slurp(path_);
  EXPECT_NE(file.find("mode = 'sentinel'"), std::string::npos) << file;
  EXPECT_NE(file.find("sentinel_password_env = 'SESSIONCTL_TEST_SENTINEL_PW'"), std::string::npos)
      << file;
  EXPECT_EQ(file.find("cluster_nodes"), std::string::npos) << "the cluster's keys are gone";
  r = ctl({"config", "test"});
  EXPECT_EQ(r.exit_code, 0) << r.output;

  r = ctl({"config", "set-persistence", "redis", "--mode", "standalone", "--host", "127.0.0.1",
           "--port", redis_port()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  file = slurp(path_);
  EXPECT_NE(file.find("mode = 'standalone'"), std::string::npos) << file;
  EXPECT_EQ(file.find("sentinels"), std::string::npos) << file;
  EXPECT_EQ(file.find("master_name"), std::string::npos) << file;
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
