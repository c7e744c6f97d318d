#include "integration/redis/redis_test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sessionpp::testing {

std::string redis_test_url() {
  const char* url = std::getenv("SESSIONPP_TEST_REDIS_URL");
  return (url != nullptr && *url != '\0') ? url : "redis://:sessionpp-test@127.0.0.1:16379/3";
}

RedisOptions redis_test_options(const std::string& prefix) {
  auto o = RedisOptions::from_uri(redis_test_url());
  if (!o) {
    ADD_FAILURE() << "SESSIONPP_TEST_REDIS_URL: " << o.error().to_string();
    return RedisOptions{};
  }
  o->key_prefix = prefix;
  o->keyspace_events = false;
  return *o;
}

std::unique_ptr<redis::Connection> redis_raw(const RedisOptions& o) {
  // The endpoint must outlive the connection: keep one per thread of the test process.
  static thread_local std::vector<std::unique_ptr<redis::Endpoint>> endpoints;
  endpoints.push_back(std::make_unique<redis::Endpoint>(
      redis::Endpoint{.host = o.host,
                      .port = o.port,
                      .username = o.username,
                      .password = o.password,
                      .database = o.database,
                      .connect_timeout = o.connect_timeout,
                      .command_timeout = std::chrono::seconds(5)}));
  auto c = redis::Connection::open(*endpoints.back());
  return c ? std::move(*c) : nullptr;
}

redis::ReplyPtr redis_cmd(redis::Connection& conn, std::vector<std::string> args) {
  const std::string name = args.empty() ? "" : args[0];
  auto r = conn.command({std::move(args), {}});
  if (!r) {
    ADD_FAILURE() << name << ": " << r.error().to_string();
    return nullptr;
  }
  if (auto ok = conn.check(**r, name); !ok) {
    ADD_FAILURE() << name << ": " << ok.error().to_string();
    return nullptr;
  }
  return std::move(*r);
}

std::vector<std::string> redis_keys(redis::Connection& conn, std::string_view prefix) {
  std::string pattern;
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('*');
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto r = redis_cmd(conn, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!r) break;
    cursor.assign(redis::reply_str(redis::reply_at(r.get(), 0)));
    const redisReply* list = redis::reply_at(r.get(), 1);
    for (std::size_t i = 0; i < redis::reply_size(list); ++i) {
      keys.emplace_back(redis::reply_str(redis::reply_at(list, i)));
    }
  } while (cursor != "0");
  return keys;
}

void redis_delete_prefix(const RedisOptions& options, std::string_view prefix) {
  auto conn = redis_raw(options);
  if (!conn) return;
  for (const auto& k : redis_keys(*conn, prefix)) redis_cmd(*conn, {"DEL", k});
}

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : fallback;
}

}  // namespace

RedisOptions redis_cluster_test_options(const std::string& prefix) {
  const std::string uri =
      "redis+cluster://:sessionpp-test@" +
      env_or("SESSIONPP_TEST_REDIS_CLUSTER_NODES",
             "127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003,127.0.0.1:17004,127.0.0.1:17005,"
             "127.0.0.1:17006");
  auto o = RedisOptions::from_uri(uri);
  if (!o) {
    ADD_FAILURE() << "cluster URI: " << o.error().to_string();
    return RedisOptions{};
  }
  o->key_prefix = prefix;
  o->keyspace_events = false;
  return *o;
}

RedisOptions redis_sentinel_test_options(const std::string& prefix) {
  const std::string uri =
      "redis+sentinel://:sessionpp-test@" +
      env_or("SESSIONPP_TEST_REDIS_SENTINELS", "127.0.0.1:17201,127.0.0.1:17202,127.0.0.1:17203") +
      "/" + env_or("SESSIONPP_TEST_REDIS_SENTINEL_MASTER", "sessionpp") + "?sentinel_password=" +
      env_or("SESSIONPP_TEST_REDIS_SENTINEL_PASSWORD", "sessionpp-sentinel");
  auto o = RedisOptions::from_uri(uri);
  if (!o) {
    ADD_FAILURE() << "sentinel URI: " << o.error().to_string();
    return RedisOptions{};
  }
  o->key_prefix = prefix;
  o->keyspace_events = false;
  return *o;
}

std::unique_ptr<redis::Connection> redis_raw_at(const RedisOptions& options,
                                                const std::string& host, int port) {
  RedisOptions o = options;
  o.host = host;
  o.port = port;
  return redis_raw(o);
}

void redis_cluster_delete_prefix(const RedisOptions& options, std::string_view prefix) {
  for (const auto& n : options.cluster_nodes) {
    const auto colon = n.rfind(':');
    auto conn = redis_raw_at(options, n.substr(0, colon), std::atoi(n.c_str() + colon + 1));
    if (!conn) continue;
    auto role = conn->command({{"ROLE"}, {}});
    if (!role || redis::reply_str(redis::reply_at(role->get(), 0)) != "master") continue;
    for (const auto& k : redis_keys(*conn, prefix)) redis_cmd(*conn, {"DEL", k});
  }
}

std::pair<std::string, int> redis_sentinel_primary(const RedisOptions& options) {
  for (const auto& s : options.sentinels) {
    const auto colon = s.rfind(':');
    redis::Endpoint ep{.host = s.substr(0, colon),
                       .port = std::atoi(s.c_str() + colon + 1),
                       .username = options.sentinel_username,
                       .password = options.sentinel_password,
                       .sentinel = true};
    auto conn = redis::Connection::open(ep);
    if (!conn) continue;
    auto r = (*conn)->command({{"SENTINEL", "get-master-addr-by-name", options.master_name}, {}});
    if (!r || redis::reply_size(r->get()) < 2) continue;
    return {std::string(redis::reply_str(redis::reply_at(r->get(), 0))),
            static_cast<int>(redis::reply_int(redis::reply_at(r->get(), 1)).value_or(0))};
  }
  return {"", 0};
}

void redis_sentinel_delete_prefix(const RedisOptions& options, std::string_view prefix) {
  const auto [host, port] = redis_sentinel_primary(options);
  if (port == 0) return;
  auto conn = redis_raw_at(options, host, port);
  if (!conn) return;
  for (const auto& k : redis_keys(*conn, prefix)) redis_cmd(*conn, {"DEL", k});
}

std::string redis_services_dir(const std::string& source_dir) {
  return env_or("SESSIONPP_SERVICES_DIR", (source_dir + "/.services").c_str());
}

}  // namespace sessionpp::testing
