// Configuration checks, graceful shutdown, health, readiness, metrics, store failure, pages.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "integration/sessiond/sessiond_test_util.h"

namespace sessionpp::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CheckConfig : public ::testing::Test {
 protected:
  void TearDown() override { remove_tree(dir_); }
  RunResult check(const std::string& toml) {
    const std::string path = dir_ + "/sessiond.toml";
    std::ofstream(path, std::ios::trunc) << toml;
    return run_program(sessiond_binary(), {"--check-config", "--config", path});
  }
  std::string dir_ = make_temp_dir("sessiond-check-");
};

TEST_F(CheckConfig, AcceptsAGoodFile) {
  RunResult r = check(users_config(
      "[server]\nlisten = \"127.0.0.1:8088\"\nnode_name = \"a\"\nread_timeout = \"5s\"\n"
      "[security]\nauthentication = true\nsession_timeout = \"45m\"\nmax_sessions_per_user = 3\n"
      "[security.cookie]\nname = \"SID\"\nsecure = \"always\"\nsame_site = \"Strict\"\n"
      "[security.session_persistence]\ntype = \"in-memory\"\n"
      "[security.session_persistence.redis]\nhost = \"127.0.0.1\"\nport = 6379\n"
      "password_env = \"REDIS_PASSWORD\"\ndatabase = 2\n"
      "[security.session_persistence.jdbc]\ndatabase = \"main\"\n"
      "[security.session_persistence.mongodb]\nhost = \"127.0.0.1\"\nport = 27017\n"
      "database = \"app\"\nusername = \"u\"\npassword_file = \"/nonexistent\"\n"
      "[databases.main]\nurl = \"postgresql://app@127.0.0.1:5432/app\"\n"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("configuration OK"), std::string::npos) << r.output;
}

TEST_F(CheckConfig, RefusesBadFilesNamingTheKey) {
  struct Case {
    std::string toml;
    std::string expected;
  };
  for (const Case& k : {
           Case{"[security]\nsession_timeout = \"soon\"\n", "security.session_timeout"},
           Case{"[security.cookie]\nsame_sit = \"Lax\"\n", "security.cookie.same_sit"},
           Case{"[security.cookie]\nsame_site = \"Sometimes\"\n", "security.cookie.same_site"},
           Case{"[security.cookie]\nsecure = \"maybe\"\n", "security.cookie.secure"},
           Case{"[server]\nlisten = \"nowhere\"\n", "server.listen"},
           Case{"[server]\nworker_threads = 0\n", "server.worker_threads"},
           Case{"[security]\nmax_sessions_per_user = 0\n", "security.max_sessions_per_user"},
           Case{"[security]\nauthentication = \"yes\"\n", "security.authentication"},
           Case{"[[security.users]]\nusername = \"x\"\npassword_hash = \"plain\"\n",
                "security.users[0].password_hash"},
           Case{"[security.session_persistence]\ntype = \"cassandra\"\n",
                "security.session_persistence.type"},
           Case{"[security.session_persistence]\ntype = \"jdbc\"\n"
                "[security.session_persistence.jdbc]\ndatabase = \"nope\"\n"
                "[databases.main]\nurl = \"sqlite:///tmp/x.db\"\n"
                "[databases.reports]\nurl = \"mysql://r@127.0.0.1/r\"\n",
                "configured: main, reports"},
           Case{"[security.session_persistence.redis]\nport = 70000\n",
                "security.session_persistence.redis.port"},
           Case{"[databases.main]\nurl = \"oracle://x\"\n", "databases.main.url"},
           Case{"[server\nlisten=", "invalid TOML"},
       }) {
    RunResult r = check(k.toml);
    EXPECT_EQ(r.exit_code, 2) << k.toml << "\n" << r.output;
    EXPECT_NE(r.output.find(k.expected), std::string::npos) << k.toml << "\n" << r.output;
  }
}

// A store type this build lacks is refused by name; one it has is opened and pinged, and an
// unreachable server (port 1) is refused too. Either way: exit 2, naming the setting.
TEST_F(CheckConfig, PersistenceTypesAreOpenedOrRefused) {
  struct Case {
    std::string type;
    bool built;
    std::string section;
  };
  for (const Case& k : {Case{"redis", SESSIOND_TEST_HAVE_REDIS != 0,
                             "[security.session_persistence.redis]\nport = 1\n"},
                        Case{"mongodb", SESSIOND_TEST_HAVE_MONGO != 0,
                             "[security.session_persistence.mongodb]\nport = 1\n"
                             "timeout = \"500ms\"\n"}}) {
    RunResult r = check("[security.session_persistence]\ntype = \"" + k.type + "\"\n" + k.section);
    EXPECT_EQ(r.exit_code, 2) << k.type << "\n" << r.output;
    EXPECT_NE(r.output.find("security.session_persistence"), std::string::npos) << r.output;
    const std::string missing =
        "session persistence type '" + k.type + "' is not available in this build";
    EXPECT_EQ(r.output.find(missing) != std::string::npos, !k.built) << r.output;
  }
}

TEST_F(CheckConfig, MissingFileAndBadArgumentsExit2) {
  EXPECT_EQ(
      run_program(sessiond_binary(), {"--check-config", "--config", dir_ + "/none"}).exit_code, 2);
  EXPECT_EQ(run_program(sessiond_binary(), {"--bogus"}).exit_code, 2);
  EXPECT_EQ(run_program(sessiond_binary(), {"--check-config"}).exit_code, 0) << "defaults";
}

// /healthz is answered on the I/O thread: it answers while every worker is busy (here held by the
// test hook's delay, as a store that stopped answering would hold them).
TEST(SessiondLiveness, HealthzAnswersWhileEveryWorkerIsBusy) {
  SessiondProcess node(
      {.config = users_config("[server]\nworker_threads = 2\n"), .test_hooks = true});
  std::vector<std::future<HttpResponse>> slow;
  for (int i = 0; i < 2; ++i) {
    slow.push_back(std::async(std::launch::async, [&] {
      return node.client().get("/readyz", {{"X-Test-Delay-Ms", "2000"}});
    }));
  }
  std::this_thread::sleep_for(milliseconds(400));
  const auto start = std::chrono::steady_clock::now();
  HttpResponse health = node.client().get("/healthz");
  const auto health_took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(health.status, 200);
  EXPECT_LT(health_took, milliseconds(800)) << "healthz waited for a worker";
  // The workers really were busy: a request that needs one waits for them.
  HttpResponse ready = node.client().get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(1200))
      << "readyz did not wait: the workers were not busy, and the test proves nothing";
  for (auto& f : slow) EXPECT_EQ(f.get().status, 200);
}

TEST(SessiondShutdown, SigtermDuringASlowRequestStillAnswersIt) {
  SessiondProcess node({.config = users_config(), .test_hooks = true});
  auto pending = std::async(std::launch::async, [&] {
    return node.client().get("/healthz", {{"X-Test-Delay-Ms", "1500"}});
  });
  std::this_thread::sleep_for(milliseconds(400));
  node.signal(SIGTERM);
  HttpResponse r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(node.wait(seconds(10)), std::optional<int>(0)) << node.output();
}

TEST(SessiondShutdown, SigtermWhileABodyIsArrivingStillAnswersIt) {
  SessiondProcess node({.config = users_config()});
  RawConnection raw(node.host(), node.port());
  const std::string body = login_body("alice", "wrong");
  ASSERT_TRUE(raw.send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 5)));
  std::this_thread::sleep_for(milliseconds(300));
  node.signal(SIGTERM);
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_TRUE(raw.send(body.substr(5)));
  const std::string answer = raw.read_until_close(seconds(10));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 401")) << answer;
  EXPECT_EQ(node.wait(seconds(10)), std::optional<int>(0)) << node.output();
}

TEST(SessiondShutdown, IdleKeepAliveConnectionsDoNotHoldUpShutdown) {
  SessiondProcess node;
  HttpClient c = node.client(/*keep_alive=*/true);
  ASSERT_EQ(c.get("/healthz").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(node.terminate(seconds(10)), std::optional<int>(0));
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3));
}

TEST(SessiondHealth, HealthReadinessAndMetrics) {
  SessiondProcess node({.config = users_config(), .test_hooks = true});
  HttpClient c = node.client();
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_EQ(c.get("/readyz").status, 200);
  const std::string id = *login_ok(c, "alice", "alice-pw").cookie_value();
  EXPECT_EQ(c.get("/api/session", cookie(id)).status, 200);
  EXPECT_EQ(c.post("/api/login", login_body("alice", "nope")).status, 401);

  HttpResponse m = c.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_TRUE(m.header("Content-Type")->starts_with("text/plain")) << *m.header("Content-Type");
  for (const char* expected : {
           "sessiond_http_requests_total{route=\"/healthz\",status=\"200\"} 1",
           "sessiond_http_requests_total{route=\"/api/login\",status=\"200\"} 1",
           "sessiond_http_requests_total{route=\"/api/login\",status=\"401\"} 1",
           "sessiond_http_request_duration_seconds_bucket{route=\"/api/session\",le=\"+Inf\"} 1",
           "sessiond_http_request_duration_seconds_count{route=\"/api/session\"} 1",
           "sessiond_store_operations_total{op=\"insert\"} 1",
           "sessiond_store_operations_total{op=\"load\"}",
           "sessiond_logins_total{result=\"failed\"} 1",
           "sessiond_active_sessions 1",
       }) {
    EXPECT_NE(m.body.find(expected), std::string::npos) << expected << "\n" << m.body;
  }
}

TEST(SessiondHealth, StoreFailureIs503WithRetryAfterAndNeverANewSession) {
  SessiondProcess node({.config = users_config(), .test_hooks = true});
  HttpClient c = node.client();
  const std::string id = *login_ok(c, "alice", "alice-pw").cookie_value();
  ASSERT_EQ(c.request("PUT", "/api/session/attributes/k", cookie(id), "v").status, 204);

  std::ofstream(node.fault_file()) << "down\n";
  HttpResponse ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_TRUE(ready.header("Retry-After").has_value());
  EXPECT_EQ(c.get("/healthz").status, 200) << "the process itself is fine";
  for (HttpResponse r :
       {c.get("/api/session", cookie(id)), c.post("/api/login", login_body("alice", "alice-pw")),
        c.post("/api/logout", "", cookie(id)),
        c.request("PUT", "/api/session/attributes/k", cookie(id), "w"), c.get("/", cookie(id))}) {
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_TRUE(r.header("Retry-After").has_value());
    EXPECT_FALSE(r.set_cookie().has_value()) << "no new session, no cleared cookie";
  }
  EXPECT_NE(c.get("/metrics")
                .body.find("sessiond_store_errors_total{op=\"load\",code="
                           "\"unavailable\"}"),
            std::string::npos);

  std::remove(node.fault_file().c_str());
  EXPECT_EQ(c.get("/readyz").status, 200);
  EXPECT_EQ(c.get("/api/session/attributes/k", cookie(id)).body, "v")
      << "the session survived the outage";
}

TEST(SessiondPages, SignInAndOutWithTheHtmlForms) {
  SessiondProcess node({.config = users_config(), .args = {"--node-name", "page-node"}});
  HttpClient c = node.client();
  HttpResponse home = c.get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(home.header("Content-Type")->starts_with("text/html"));
  EXPECT_NE(home.body.find("action=\"/login\""), std::string::npos);
  EXPECT_EQ(home.body.find("http://"), std::string::npos) << "no external assets";
  EXPECT_EQ(home.body.find("https://"), std::string::npos) << "no external assets";
  EXPECT_EQ(home.body.find("<script"), std::string::npos);
  EXPECT_FALSE(home.set_cookie().has_value()) << "anonymous pages create no session";
  EXPECT_EQ(c.get("/login").status, 200);

  const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  HttpResponse bad = c.post("/login", "username=alice&password=nope", form);
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.body.find("Wrong username or password"), std::string::npos);
  EXPECT_EQ(bad.body.find("nope"), std::string::npos) << "the password is never echoed";

  HttpResponse ok = c.post("/login", "username=alice&password=alice-pw", form);
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.header("Location").value_or(""), "/");
  const std::string id = ok.cookie_value().value_or("");
  ASSERT_EQ(id.size(), 43u);

  HttpResponse signed_in = c.get("/", cookie(id));
  EXPECT_NE(signed_in.body.find("Signed in as alice"), std::string::npos) << signed_in.body;
  EXPECT_NE(signed_in.body.find("page-node"), std::string::npos);
  EXPECT_NE(signed_in.body.find("action=\"/logout\""), std::string::npos);

  HttpResponse out = c.post("/logout", "", cookie(id));
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.cookie_value().value_or("x"), "");
  EXPECT_NE(c.get("/", cookie(id)).body.find("action=\"/login\""), std::string::npos);
  EXPECT_EQ(c.post("/login", "username=&password=", form).status, 400);
}

}  // namespace
}  // namespace sessionpp::testing
