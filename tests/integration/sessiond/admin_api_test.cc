// The admin API behind /console/, against the real sessiond binary and real stores: who may use
// it, the CSRF token, per-field validation, the connection test (a read-only SQL database is
// refused with its reason), Save (atomic file write, unrelated settings kept, the new store used
// at once, stored passwords never sent back), SIGHUP, and ending sessions.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
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
std::string pg_url(const std::string& db) {
  return "postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/" + db;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Keys under `prefix` in the test Redis; nullopt when redis-cli or the server is missing.
std::optional<std::vector<std::string>> redis_keys(const std::string& prefix,
                                                   const std::string& db = "0") {
  RunResult r = run_program("/usr/bin/redis-cli",
                            {"-h", "127.0.0.1", "-p", redis_port(), "--no-auth-warning", "-a",
                             redis_password(), "-n", db, "--scan", "--pattern", prefix + "*"});
  if (r.exit_code != 0) return std::nullopt;
  std::vector<std::string> keys;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) keys.push_back(line);
  }
  return keys;
}

bool redis_up() {
  RunResult r = run_program(
      "/usr/bin/redis-cli",
      {"-h", "127.0.0.1", "-p", redis_port(), "--no-auth-warning", "-a", redis_password(), "PING"});
  return r.exit_code == 0 && r.output.find("PONG") != std::string::npos;
}

std::string cluster_password() {
  return env_or("SESSIONPP_TEST_REDIS_CLUSTER_PASSWORD", "sessionpp-test");
}
std::vector<std::string> env_list(const char* name, const char* fallback) {
  std::vector<std::string> out;
  std::istringstream in(env_or(name, fallback));
  for (std::string e; std::getline(in, e, ',');) {
    if (!e.empty()) out.push_back(e);
  }
  return out;
}
std::vector<std::string> cluster_nodes() {
  return env_list("SESSIONPP_TEST_REDIS_CLUSTER_NODES",
                  "127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003,127.0.0.1:17004,"
                  "127.0.0.1:17005,127.0.0.1:17006");
}
std::vector<std::string> sentinels() {
  return env_list("SESSIONPP_TEST_REDIS_SENTINELS",
                  "127.0.0.1:17201,127.0.0.1:17202,127.0.0.1:17203");
}
std::string sentinel_master() {
  return env_or("SESSIONPP_TEST_REDIS_SENTINEL_MASTER", "sessionpp");
}
std::string sentinel_password() {
  return env_or("SESSIONPP_TEST_REDIS_SENTINEL_PASSWORD", "sessionpp-sentinel");
}

// redis-cli against one "host:port" with a password; nullopt when it fails.
std::optional<std::string> redis_cli_at(const std::string& node, const std::string& password,
                                        std::vector<std::string> args) {
  const std::size_t colon = node.rfind(':');
  std::vector<std::string> all = {
      "-h",    node.substr(0, colon), "-p", node.substr(colon + 1), "--no-auth-warning", "-a",
      password};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = run_program("/usr/bin/redis-cli", all);
  if (r.exit_code != 0) return std::nullopt;
  return r.output;
}

// The cluster answers and has all its slots.
bool cluster_up() {
  auto info = redis_cli_at(cluster_nodes().front(), cluster_password(), {"CLUSTER", "INFO"});
  return info && info->find("cluster_state:ok") != std::string::npos;
}

bool sentinel_up() {
  auto r = redis_cli_at(sentinels().front(), sentinel_password(),
                        {"SENTINEL", "get-master-addr-by-name", sentinel_master()});
  return r && !r->empty() && r->find("nil") == std::string::npos;
}

#define REQUIRE_SERVER(up, what)                                                 \
  do {                                                                           \
    if (!(up)) {                                                                 \
      if (!in_ci()) GTEST_SKIP() << what << " is down (scripts/services start)"; \
      FAIL() << what << " is down";                                              \
    }                                                                            \
  } while (0)

// A JSON array of strings.
std::string json_list(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& i : items) a.emplace_back(i);
  return json::serialize(a);
}

// The console's body for a Redis mode; `redis` is the inside of persistence.redis.
std::string redis_mode_form(const std::string& redis) {
  return R"({"persistence":{"type":"redis","redis":{)" + redis + "}}}";
}

#define REQUIRE_REDIS()                                                                  \
  do {                                                                                   \
    if (!redis_up()) {                                                                   \
      if (!in_ci()) GTEST_SKIP() << "Redis at 127.0.0.1:" << redis_port() << " is down"; \
      FAIL() << "Redis at 127.0.0.1:" << redis_port() << " is down";                     \
    }                                                                                    \
  } while (0)

// A signed-in admin (bob) with the console's CSRF token.
struct Admin {
  HttpClient& c;
  std::string id;
  std::string token;
  json::object state;

  explicit Admin(HttpClient& client) : c(client) {
    HttpResponse r = login_ok(c, "bob", "bob-pw");
    id = r.cookie_value().value_or("");
    refresh();
  }
  void refresh() {
    HttpResponse r = c.get("/api/admin/security", cookie(id));
    EXPECT_EQ(r.status, 200) << r.body;
    state = json::parse(r.body).as_object();
    token = std::string(state["csrf_token"].as_string());
  }
  Headers headers(bool with_token = true) const {
    Headers h = cookie(id);
    h.emplace_back("Content-Type", "application/json");
    if (with_token) h.emplace_back("X-CSRF-Token", token);
    return h;
  }
  HttpResponse put(const std::string& body, bool with_token = true) {
    return c.request("PUT", "/api/admin/security", headers(with_token), body);
  }
  HttpResponse test(const std::string& body) {
    return c.request("POST", "/api/admin/security/test", headers(), body);
  }
};

std::string redis_form(const std::string& port, const std::string& password = "") {
  return R"({"authentication":true,"session_timeout":"30m","max_sessions_per_user":"-1",)"
         R"("persistence":{"type":"redis","redis":{"host":"127.0.0.1","port":")" +
         port + R"(","database":"2","password":")" + password + R"("}}})";
}

std::string base_config(const std::string& prefix) {
  return users_config(
      "[server]\nio_threads = 1\n\n[security.session_persistence.redis]\n"
      "key_prefix = \"" +
      prefix + "\"\n\n[databases.main]\nurl = \"" + pg_url("sessionpp") +
      "\"\n\n[databases.readonly]\nurl = \"" + pg_url("sessionpp_ro") + "\"\n");
}

TEST(AdminApi, AnonymousGets401AndAUserWithoutTheAdminRole403) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  EXPECT_EQ(c.get("/console/").status, 401);
  EXPECT_EQ(c.get("/api/admin/security").status, 401);
  EXPECT_EQ(c.get("/api/admin/sessions").status, 401);
  const std::string alice = login_ok(c, "alice", "alice-pw").cookie_value().value();
  EXPECT_EQ(c.get("/console/", cookie(alice)).status, 403);
  EXPECT_EQ(c.get("/api/admin/security", cookie(alice)).status, 403);
  EXPECT_EQ(c.request("DELETE", "/api/admin/users/bob/sessions", cookie(alice)).status, 403);
  const std::string bob = login_ok(c, "bob", "bob-pw").cookie_value().value();
  HttpResponse page = c.get("/console/", cookie(bob));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Session Persistence"), std::string::npos);
  EXPECT_EQ(c.get("/console/console.js").status, 200);
}

TEST(AdminApi, AChangeWithoutTheCsrfTokenIsRefusedAndNothingIsWritten) {
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string before = slurp(node.dir() + "/sessiond.toml");
  HttpResponse r = admin.put(redis_form(redis_port(), redis_password()), /*with_token=*/false);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("CSRF"), std::string::npos) << r.body;
  Headers wrong = admin.headers(false);
  wrong.emplace_back("X-CSRF-Token", std::string(admin.token.size(), '0'));
  EXPECT_EQ(c.request("PUT", "/api/admin/security", wrong, redis_form(redis_port())).status, 403);
  EXPECT_EQ(c.request("DELETE", "/api/admin/users/alice/sessions", cookie(admin.id)).status, 403);
  EXPECT_EQ(slurp(node.dir() + "/sessiond.toml"), before);
}

TEST(AdminApi, BadFieldsGet400NamingEachFieldAndNothingIsSaved) {
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string before = slurp(node.dir() + "/sessiond.toml");
  HttpResponse r = admin.put(
      R"({"session_timeout":"soon","max_sessions_per_user":0,"persistence":{"type":"redis",)"
      R"("redis":{"host":"","port":"70000","database":"-3"}}})");
  ASSERT_EQ(r.status, 400) << r.body;
  json::object errors = json::parse(r.body).as_object()["errors"].as_object();
  for (const char* field :
       {"session_timeout", "max_sessions_per_user", "redis.host", "redis.port", "redis.database"}) {
    EXPECT_TRUE(errors.contains(field)) << field << " in " << r.body;
  }
  EXPECT_NE(std::string(errors["redis.port"].as_string()).find("65535"), std::string::npos);
  r = admin.put(R"({"persistence":{"type":"mongodb","mongodb":{"host":"h","port":1,)"
                R"("database":"a/b"}}})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["field"].as_string(), "mongodb.database");
  EXPECT_EQ(admin.put(R"({"persistence":{"type":"jdbc","jdbc":{"database":"nope"}}})").status, 400);
  EXPECT_EQ(admin.put(R"({"persistence":{"type":"etcd"}})").status, 400);
  EXPECT_EQ(admin.put("not json").status, 400);
  EXPECT_EQ(slurp(node.dir() + "/sessiond.toml"), before);
}

TEST(AdminApi, RedisModeFieldsAreValidatedEachNamingItsFieldAndNothingIsSaved) {
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string before = slurp(node.dir() + "/sessiond.toml");
  // Each body and the field its 400 must name (and only that field).
  const std::string many = [] {
    std::vector<std::string> nodes;
    for (int i = 0; i < 65; ++i) nodes.push_back("10.0.0.1:" + std::to_string(7000 + i));
    return json_list(nodes);
  }();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("mode":"sharded")", "redis.mode"},
      {R"("mode":7)", "redis.mode"},
      {R"("mode":"cluster")", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":[])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":[" ",""])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["127.0.0.1:0"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["127.0.0.1:65536"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["127.0.0.1"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["::1:7000"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["[::1:7000"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["a b:7000"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["h:1","h:1"])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":[7000])", "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":")" + std::string(300, 'a') + R"(:1")",
       "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":)" + many, "redis.cluster_nodes"},
      {R"("mode":"cluster","cluster_nodes":["h:1"],"database":"3")", "redis.database"},
      {R"("mode":"sentinel","sentinels":["h:26379"])", "redis.master_name"},
      {R"("mode":"sentinel","sentinels":["h:26379"],"master_name":"my master")",
       "redis.master_name"},
      {R"("mode":"sentinel","sentinels":["h:26379"],"master_name":")" + std::string(201, 'm') +
           "\"",
       "redis.master_name"},
      {R"("mode":"sentinel","sentinels":"h:99999","master_name":"m")", "redis.sentinels"},
      {R"("mode":"sentinel","master_name":"m")", "redis.sentinels"},
      {R"("mode":"sentinel","sentinels":["h:1"],"master_name":"m","sentinel_password":")" +
           std::string(1025, 'p') + "\"",
       "redis.sentinel_password"},
      {R"("mode":"sentinel","sentinels":["h:1"],"master_name":"m","sentinel_password":5)",
       "redis.sentinel_password"},
  };
  for (const auto& [redis, field] : cases) {
    HttpResponse r = admin.put(redis_mode_form(redis));
    ASSERT_EQ(r.status, 400) << redis << ": " << r.body;
    json::object o = json::parse(r.body).as_object();
    EXPECT_EQ(o["field"].as_string(), field) << redis << ": " << r.body;
    EXPECT_EQ(o["errors"].as_object().size(), 1u) << redis << ": " << r.body;
  }
  // Both missing sentinel-mode fields are reported at once.
  HttpResponse r = admin.put(redis_mode_form(R"("mode":"sentinel")"));
  ASSERT_EQ(r.status, 400) << r.body;
  json::object errors = json::parse(r.body).as_object()["errors"].as_object();
  EXPECT_TRUE(errors.contains("redis.sentinels")) << r.body;
  EXPECT_TRUE(errors.contains("redis.master_name")) << r.body;
  EXPECT_NE(r.body.find("(and 1 more field)"), std::string::npos) << "the banner line says so";
  // The list limit and the port range are in the messages.
  r = admin.put(redis_mode_form(R"("mode":"cluster","cluster_nodes":)" + many));
  EXPECT_NE(r.body.find("at most 64"), std::string::npos) << r.body;
  r = admin.put(redis_mode_form(R"("mode":"cluster","cluster_nodes":["h:0"])"));
  EXPECT_NE(r.body.find("65535"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("'h:0'"), std::string::npos) << "names the entry: " << r.body;
  EXPECT_EQ(slurp(node.dir() + "/sessiond.toml"), before);
}

TEST(AdminApi, WellFormedClusterAndSentinelListsPassValidationIncludingIpv6) {
  // Nothing listens on these ports: the form is valid (not 400) and the connection test fails
  // (422), naming no password.
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string before = slurp(node.dir() + "/sessiond.toml");
  HttpResponse r = admin.test(redis_mode_form(
      R"("mode":"cluster","cluster_nodes":" [::1]:1 ,\n127.0.0.1:2\n\n","password":"pw-x")"));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.body.find("pw-x"), std::string::npos) << r.body;
  r = admin.put(redis_mode_form(
      R"("mode":"sentinel","sentinels":["[::1]:1"],"master_name":"m","sentinel_password":"spw")"));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.body.find("spw"), std::string::npos) << r.body;
  EXPECT_EQ(slurp(node.dir() + "/sessiond.toml"), before);
}

TEST(AdminApi, ClusterSettingsRoundTripAndALoginLivesInTheTestCluster) {
  REQUIRE_SERVER(cluster_up(), "the test Redis Cluster at " + cluster_nodes().front());
  const std::string prefix = fresh_namespace() + ":";
  SessiondProcess node({.config = base_config(prefix)});
  HttpClient c = node.client();
  Admin admin(c);
  // Two of the six nodes as seeds: the store learns the rest.
  const std::vector<std::string> seeds = {cluster_nodes()[0], cluster_nodes()[1]};
  HttpResponse r =
      admin.put(redis_mode_form(R"("mode":"cluster","cluster_nodes":)" + json_list(seeds) +
                                R"(,"password":")" + cluster_password() + "\""));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(cluster_password()), std::string::npos) << "no secret echoed";
  const std::string file = slurp(node.dir() + "/sessiond.toml");
  EXPECT_NE(file.find("mode = 'cluster'"), std::string::npos) << file;
  EXPECT_NE(file.find("cluster_nodes = [ '" + seeds[0] + "', '" + seeds[1] + "' ]"),
            std::string::npos)
      << file;
  EXPECT_EQ(file.find("sentinels"), std::string::npos) << file;
  EXPECT_EQ(file.find("database = "), std::string::npos) << "cluster has database 0: " << file;
  EXPECT_NE(file.find(prefix), std::string::npos) << "the key prefix is kept: " << file;

  // A login after the switch is stored in the cluster and survives a reload of the store.
  const std::string alice = login_ok(c, "alice", "alice-pw").cookie_value().value();
  int keys = 0;
  for (const std::string& n : cluster_nodes()) {
    auto out = redis_cli_at(n, cluster_password(), {"--scan", "--pattern", "*" + prefix + "*"});
    ASSERT_TRUE(out.has_value()) << n;
    std::istringstream in(*out);
    for (std::string line; std::getline(in, line);) keys += !line.empty();
  }
  EXPECT_GT(keys, 0) << "alice's session is in the cluster under " << prefix;
  node.signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(c.get("/api/session", cookie(alice)).status, 200) << node.output();

  // GET shows what was stored, without the secret.
  Admin again(c);
  json::object redis = again.state["persistence"].as_object()["redis"].as_object();
  EXPECT_EQ(redis["mode"].as_string(), "cluster");
  ASSERT_EQ(redis["cluster_nodes"].as_array().size(), 2u);
  EXPECT_EQ(redis["cluster_nodes"].as_array()[0].as_string(), seeds[0]);
  EXPECT_EQ(redis["cluster_nodes"].as_array()[1].as_string(), seeds[1]);
  EXPECT_TRUE(redis["password_set"].as_bool());
  EXPECT_FALSE(redis["sentinel_password_set"].as_bool());
  EXPECT_TRUE(redis["sentinels"].as_array().empty());
  const std::string state = json::serialize(again.state);
  EXPECT_EQ(state.find(cluster_password()), std::string::npos) << state;

  // Back to standalone: the cluster keys are removed, the password left empty is kept.
  r = again.put(redis_form(redis_port(), ""));
  if (redis_up()) {
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string back = slurp(node.dir() + "/sessiond.toml");
    EXPECT_NE(back.find("mode = 'standalone'"), std::string::npos) << back;
    EXPECT_EQ(back.find("cluster_nodes"), std::string::npos) << back;
    EXPECT_NE(back.find("password = '" + cluster_password() + "'"), std::string::npos) << back;
  }
}

TEST(AdminApi, SentinelSettingsRoundTripAndAnEmptySentinelPasswordKeepsTheStoredOne) {
  REQUIRE_SERVER(sentinel_up(), "the test Redis Sentinels at " + sentinels().front());
  const std::string prefix = fresh_namespace() + ":";
  SessiondProcess node({.config = base_config(prefix)});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string form_start = R"("mode":"sentinel","sentinels":)" + json_list(sentinels()) +
                                 R"(,"master_name":")" + sentinel_master() +
                                 R"(","database":"5","password":")" + redis_password() + "\"";
  HttpResponse r = admin.put(
      redis_mode_form(form_start + R"(,"sentinel_password":")" + sentinel_password() + "\""));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find(sentinel_password()), std::string::npos) << "no secret echoed";
  EXPECT_EQ(r.body.find(redis_password()), std::string::npos) << "no secret echoed";
  std::string file = slurp(node.dir() + "/sessiond.toml");
  EXPECT_NE(file.find("mode = 'sentinel'"), std::string::npos) << file;
  EXPECT_NE(file.find("sentinels = [ '" + sentinels()[0] + "'"), std::string::npos) << file;
  EXPECT_NE(file.find("master_name = '" + sentinel_master() + "'"), std::string::npos) << file;
  EXPECT_NE(file.find("sentinel_password = '" + sentinel_password() + "'"), std::string::npos)
      << file;
  EXPECT_NE(file.find("database = 5"), std::string::npos) << file;
  EXPECT_EQ(file.find("cluster_nodes"), std::string::npos) << file;

  const std::string alice = login_ok(c, "alice", "alice-pw").cookie_value().value();
  EXPECT_EQ(c.get("/api/session", cookie(alice)).status, 200);

  Admin again(c);
  json::object redis = again.state["persistence"].as_object()["redis"].as_object();
  EXPECT_EQ(redis["mode"].as_string(), "sentinel");
  EXPECT_EQ(redis["sentinels"].as_array().size(), sentinels().size());
  EXPECT_EQ(redis["master_name"].as_string(), sentinel_master());
  EXPECT_EQ(redis["database"].as_int64(), 5);
  EXPECT_TRUE(redis["sentinel_password_set"].as_bool());
  EXPECT_TRUE(redis["password_set"].as_bool());
  const std::string state = json::serialize(again.state);
  EXPECT_EQ(state.find(sentinel_password()), std::string::npos) << state;

  // Saving again with both password fields empty keeps both secrets (the test would fail 422
  // if the Sentinels' password were lost).
  r = again.put(redis_mode_form(R"("mode":"sentinel","sentinels":)" + json_list(sentinels()) +
                                R"(,"master_name":")" + sentinel_master() +
                                R"(","database":"5","password":"","sentinel_password":"")"));
  ASSERT_EQ(r.status, 200) << r.body;
  file = slurp(node.dir() + "/sessiond.toml");
  EXPECT_NE(file.find("sentinel_password = '" + sentinel_password() + "'"), std::string::npos)
      << file;
}

TEST(AdminApi, AReadOnlyJdbcDatabaseIsListedAndRefusedWithItsReason) {
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  json::array dbs = admin.state["databases"].as_array();
  ASSERT_EQ(dbs.size(), 2u);
  const std::string before = slurp(node.dir() + "/sessiond.toml");
  HttpResponse r = admin.test(R"({"persistence":{"type":"jdbc","jdbc":{"database":"readonly"}}})");
  if (r.status == 422 && r.body.find("unavailable") != std::string::npos && !in_ci()) {
    GTEST_SKIP() << "PostgreSQL is down: " << r.body;
  }
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("read-only"), std::string::npos) << r.body;
  EXPECT_EQ(admin.put(R"({"persistence":{"type":"jdbc","jdbc":{"database":"readonly"}}})").status,
            422);
  EXPECT_EQ(slurp(node.dir() + "/sessiond.toml"), before);
  r = admin.test(R"({"persistence":{"type":"jdbc","jdbc":{"database":"main"}}})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(AdminApi, MongoDbSettingsAreTestedWithTheEnteredCredentials) {
  SessiondProcess node({.config = base_config(fresh_namespace())});
  HttpClient c = node.client();
  Admin admin(c);
  const std::string mongo =
      R"({"persistence":{"type":"mongodb","mongodb":{"host":"127.0.0.1","port":"27117",)"
      R"("database":"sessionpp","username":"sessionpp","password":")";
  HttpResponse r = admin.test(mongo + R"(sessionpp-test"}}})");
  if (r.status == 422 && r.body.find("unavailable") != std::string::npos && !in_ci()) {
    GTEST_SKIP() << "FerretDB is down: " << r.body;
  }
  EXPECT_EQ(r.status, 200) << r.body;
  r = admin.test(mongo + R"(wrong-password"}}})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.body.find("wrong-password"), std::string::npos) << "never echo a password";
}

TEST(AdminApi, SaveWritesTheFileKeepsOtherSettingsAndTheNextLoginLandsInRedis) {
  REQUIRE_REDIS();
  const std::string prefix = fresh_namespace() + ":";
  SessiondProcess node({.config = base_config(prefix)});
  HttpClient c = node.client();
  Admin admin(c);
  // A wrong port fails the connection test and saves nothing.
  HttpResponse r = admin.put(redis_form("1", redis_password()));
  EXPECT_EQ(r.status, 422) << r.body;
  r = admin.test(redis_form(redis_port(), redis_password()));
  ASSERT_EQ(r.status, 200) << r.body;
  r = admin.put(redis_form(redis_port(), redis_password()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("not carried over"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(redis_password()), std::string::npos) << "the password is never sent";
  const std::string file = slurp(node.dir() + "/sessiond.toml");
  EXPECT_NE(file.find("type = 'redis'"), std::string::npos) << file;
  EXPECT_NE(file.find("alice"), std::string::npos) << "users are kept: " << file;
  EXPECT_NE(file.find("io_threads = 1"), std::string::npos) << file;
  EXPECT_NE(file.find(prefix), std::string::npos) << "the key prefix is kept: " << file;
  EXPECT_NE(file.find("sessionpp_ro"), std::string::npos) << file;
  // No temporary file is left behind.
  RunResult ls = run_program("/bin/ls", {node.dir()});
  EXPECT_EQ(ls.output.find(".tmp-"), std::string::npos) << ls.output;

  // The admin's session was in the old store: it is gone.
  EXPECT_EQ(c.get("/api/admin/security", cookie(admin.id)).status, 401);
  auto before = redis_keys(prefix, "2");
  ASSERT_TRUE(before.has_value());
  login_ok(c, "alice", "alice-pw");
  auto after = redis_keys(prefix, "2");
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(after->size(), before->size()) << "the login was stored under " << prefix;

  // The stored password is never sent back; an empty password keeps it.
  Admin again(c);
  json::object redis = again.state["persistence"].as_object()["redis"].as_object();
  EXPECT_TRUE(redis["password_set"].as_bool());
  EXPECT_EQ(again.state.find("password"), again.state.end());
  r = again.put(redis_form(redis_port(), ""));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(slurp(node.dir() + "/sessiond.toml").find("password = '" + redis_password()),
            std::string::npos);
}

TEST(AdminApi, ARequestInFlightDuringASaveFinishesOnTheStoreItStartedWith) {
  REQUIRE_REDIS();
  const std::string prefix = fresh_namespace() + ":";
  SessiondProcess node({.config = base_config(prefix), .test_hooks = true});
  HttpClient c = node.client();
  const std::string alice = login_ok(c, "alice", "alice-pw").cookie_value().value();
  Admin admin(c);
  HttpResponse slow;
  std::thread t([&] {
    HttpClient c2 = node.client();
    Headers h = cookie(alice);
    h.emplace_back("X-Test-Delay-After-Load-Ms", "1500");
    slow = c2.request("PUT", "/api/session/attributes/color", h, "blue");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  HttpResponse r = admin.put(redis_form(redis_port(), redis_password()));
  t.join();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(slow.status, 204) << "the old store stayed open for the request: " << slow.body;
  // New requests use the new store, where alice's session never was.
  EXPECT_EQ(c.get("/api/session", cookie(alice)).status, 401);
  EXPECT_EQ(node.output().find("handler failed"), std::string::npos) << node.output();
}

TEST(AdminApi, SighupReloadsTheFileAndAppliesTheNewStore) {
  REQUIRE_REDIS();
  const std::string prefix = fresh_namespace() + ":";
  SessiondProcess node({.config = base_config(prefix)});
  HttpClient c = node.client();
  login_ok(c, "alice", "alice-pw");
  EXPECT_TRUE(redis_keys(prefix).value_or(std::vector<std::string>{"x"}).empty());
  RunResult set = run_program(
      sessionctl_binary(), {"config", "set-persistence", "redis", "--host", "127.0.0.1", "--port",
                            redis_port(), "--password-env", "ADMIN_TEST_REDIS_PW", "--config",
                            node.dir() + "/sessiond.toml", "--no-test"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  // sessiond resolves password_env from its own environment: give the password in the file.
  std::string file = slurp(node.dir() + "/sessiond.toml");
  const std::string env_line = "password_env = 'ADMIN_TEST_REDIS_PW'";
  ASSERT_NE(file.find(env_line), std::string::npos) << file;
  file.replace(file.find(env_line), env_line.size(), "password = '" + redis_password() + "'");
  std::ofstream(node.dir() + "/sessiond.toml") << file;
  node.signal(SIGHUP);
  bool landed = false;
  for (int i = 0; i < 50 && !landed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw"));
    landed = r.status == 200 && !redis_keys(prefix).value_or(std::vector<std::string>{}).empty();
  }
  EXPECT_TRUE(landed) << node.output();
}

TEST(AdminApi, ListsSessionsPerUserWithTheirNodeAndEndsThem) {
  SessiondProcess node({.config = users_config(), .args = {"--node-name", "node-a"}});
  HttpClient c = node.client();
  const std::string a1 = login_ok(c, "alice", "alice-pw").cookie_value().value();
  const std::string a2 = login_ok(c, "alice", "alice-pw").cookie_value().value();
  Admin admin(c);
  HttpResponse r = c.get("/api/admin/sessions?user=alice", cookie(admin.id));
  ASSERT_EQ(r.status, 200) << r.body;
  json::array users = json::parse(r.body).as_object()["users"].as_array();
  ASSERT_EQ(users.size(), 1u);
  json::array sessions = users[0].as_object()["sessions"].as_array();
  ASSERT_EQ(sessions.size(), 2u) << r.body;
  for (const auto& s : sessions) {
    EXPECT_EQ(s.as_object().at("node").as_string(), "node-a");
    EXPECT_TRUE(s.as_object().contains("created_at"));
    EXPECT_TRUE(s.as_object().contains("last_accessed_at"));
    EXPECT_TRUE(s.as_object().contains("expires_at"));
  }
  // All users by default: alice and bob.
  r = c.get("/api/admin/sessions", cookie(admin.id));
  EXPECT_EQ(json::parse(r.body).as_object()["users"].as_array().size(), 2u) << r.body;

  // End a1's session by its handle: a1 is signed out, a2 is not.
  const std::string a1_handle = std::string(
      json::parse(c.get("/api/session", cookie(a1)).body).as_object()["handle"].as_string());
  Headers h = admin.headers();
  EXPECT_EQ(c.request("DELETE", "/api/admin/sessions/" + a1_handle, h).status, 204);
  EXPECT_EQ(c.get("/api/session", cookie(a1)).status, 401);
  EXPECT_EQ(c.get("/api/session", cookie(a2)).status, 200);
  EXPECT_EQ(c.request("DELETE", "/api/admin/sessions/" + a1_handle, h).status, 404);
  // Sign alice out everywhere.
  r = c.request("DELETE", "/api/admin/users/alice/sessions", h);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"removed\":1"), std::string::npos) << r.body;
  EXPECT_EQ(c.get("/api/session", cookie(a2)).status, 401);
  EXPECT_EQ(c.get("/api/admin/sessions?user=", cookie(admin.id)).status, 400);
  EXPECT_EQ(c.request("POST", "/api/admin/sessions", h).status, 405);
}

}  // namespace
}  // namespace sessionpp::testing
