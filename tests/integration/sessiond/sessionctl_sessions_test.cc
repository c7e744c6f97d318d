// sessionctl sessions list / revoke / revoke-user / purge against the stores a running sessiond
// writes to (Redis and PostgreSQL), each test with its own key or table prefix.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "integration/sessiond/sessiond_test_util.h"
#include "support/store_env.h"

namespace sessionpp::testing {
namespace {

namespace json = boost::json;

const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
std::string redis_port() { return env_or("SESSIONPP_TEST_REDIS_PORT", "16379"); }
std::string redis_password() { return env_or("SESSIONPP_TEST_REDIS_PASSWORD", "sessionpp-test"); }

std::string handle_of(HttpClient& c, const std::string& id) {
  HttpResponse r = c.get("/api/session", cookie(id));
  EXPECT_EQ(r.status, 200) << r.body;
  return std::string(json::parse(r.body).as_object()["handle"].as_string());
}

class SessionctlSessions : public ::testing::TestWithParam<std::string> {
 protected:
  std::string config() {
    const std::string ns = fresh_namespace();
    if (GetParam() == "redis") {
      return "[security]\nsession_timeout = \"30m\"\n[security.session_persistence]\n"
             "type = \"redis\"\n[security.session_persistence.redis]\nport = " +
             redis_port() + "\npassword = \"" + redis_password() + "\"\nkey_prefix = \"" + ns +
             ":\"\n";
    }
    return "[security.session_persistence]\ntype = \"jdbc\"\n"
           "[security.session_persistence.jdbc]\ndatabase = \"main\"\ntable_prefix = \"" +
           ns +
           "\"\n[databases.main]\nurl = \"postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/"
           "sessionpp\"\n";
  }
  RunResult ctl(const SessiondProcess& node, std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(node.dir() + "/sessiond.toml");
    return run_program(sessionctl_binary(), args);
  }
};

TEST_P(SessionctlSessions, ListsRevokesAndPurges) {
  std::unique_ptr<SessiondProcess> node;
  try {
    node = std::make_unique<SessiondProcess>(
        SessiondOptions{.config = users_config(config()), .args = {"--node-name", "ctl-node"}});
  } catch (const std::exception& e) {
    if (!in_ci()) GTEST_SKIP() << GetParam() << " store is down: " << e.what();
    FAIL() << e.what();
  }
  HttpClient c = node->client();
  const std::string a1 = login_ok(c, "alice", "alice-pw").cookie_value().value();
  const std::string a2 = login_ok(c, "alice", "alice-pw").cookie_value().value();
  const std::string b1 = login_ok(c, "bob", "bob-pw").cookie_value().value();
  const std::string h1 = handle_of(c, a1);

  RunResult r = ctl(*node, {"sessions", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(h1), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(handle_of(c, b1)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ctl-node"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 sessions"), std::string::npos) << r.output;
  r = ctl(*node, {"sessions", "list", "--user", "alice"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 sessions"), std::string::npos) << r.output;
  EXPECT_EQ(ctl(*node, {"sessions", "list", "--user", "nobody"}).exit_code, 1);

  r = ctl(*node, {"sessions", "revoke", h1});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(c.get("/api/session", cookie(a1)).status, 401);
  EXPECT_EQ(c.get("/api/session", cookie(a2)).status, 200);
  EXPECT_EQ(ctl(*node, {"sessions", "revoke", h1}).exit_code, 1);

  r = ctl(*node, {"sessions", "revoke-user", "alice"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ended 1 session of alice"), std::string::npos) << r.output;
  EXPECT_EQ(c.get("/api/session", cookie(a2)).status, 401);
  EXPECT_EQ(c.get("/api/session", cookie(b1)).status, 200);
  EXPECT_EQ(ctl(*node, {"sessions", "revoke-user", "alice"}).exit_code, 1);

  r = ctl(*node, {"sessions", "purge"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("purged"), std::string::npos) << r.output;

  EXPECT_EQ(ctl(*node, {"sessions"}).exit_code, 2);
  EXPECT_EQ(ctl(*node, {"sessions", "revoke"}).exit_code, 2);
  EXPECT_EQ(ctl(*node, {"sessions", "list", "extra"}).exit_code, 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionctlSessions, ::testing::Values("redis", "postgresql"),
                         [](const auto& p) { return p.param; });

TEST(SessionctlSessionsErrors, InMemoryIsAConfigErrorAndAnUnreachableStoreIs3) {
  const std::string dir = make_temp_dir("sessionctl-sessions");
  const std::string path = dir + "/sessiond.toml";
  std::ofstream(path) << "[security]\nsession_timeout = \"5m\"\n";
  RunResult r = run_program(sessionctl_binary(), {"sessions", "list", "--config", path});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("in-memory"), std::string::npos) << r.output;
  std::ofstream(path) << "[security.session_persistence]\ntype = \"redis\"\n"
                         "[security.session_persistence.redis]\nport = 1\n";
  r = run_program(sessionctl_binary(), {"sessions", "purge", "--config", path});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:1"), std::string::npos) << r.output;
  // SESSIOND_CONFIG is read when --config is absent.
  r = run_program("/usr/bin/env",
                  {"SESSIOND_CONFIG=" + path, sessionctl_binary(), "sessions", "revoke-user", "x"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  remove_tree(dir);
}

}  // namespace
}  // namespace sessionpp::testing
