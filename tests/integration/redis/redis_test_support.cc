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

}  // namespace sessionpp::testing
