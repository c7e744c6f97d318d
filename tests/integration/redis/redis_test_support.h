#pragma once

// Helpers for the Redis store's tests: where the test server is, and raw access to it for
// checks the store's API does not offer (SCAN is allowed here, in tests only).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/redis_store.h"
#include "stores/redis/connection.h"

namespace sessionpp::testing {

// SESSIONPP_TEST_REDIS_URL, default redis://:sessionpp-test@127.0.0.1:16379/3.
std::string redis_test_url();
// Options from redis_test_url(), with `prefix` as key_prefix and keyspace checks off.
RedisOptions redis_test_options(const std::string& prefix);

// A raw connection to the test server (nullptr when unreachable).
std::unique_ptr<redis::Connection> redis_raw(const RedisOptions& options);
// One command on `conn`; ADD_FAILURE and nullptr when it fails.
redis::ReplyPtr redis_cmd(redis::Connection& conn, std::vector<std::string> args);
// Every key under `prefix` (SCAN MATCH).
std::vector<std::string> redis_keys(redis::Connection& conn, std::string_view prefix);
// Deletes every key under `prefix`.
void redis_delete_prefix(const RedisOptions& options, std::string_view prefix);

}  // namespace sessionpp::testing
