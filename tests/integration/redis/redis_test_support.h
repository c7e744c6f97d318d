#pragma once

// Helpers for the Redis store's tests: where the test server is, and raw access to it for
// checks the store's API does not offer (SCAN is allowed here, in tests only).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
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

// Redis Cluster (scripts/services.d/redis-cluster.sh): options from
// SESSIONPP_TEST_REDIS_CLUSTER_NODES (default 127.0.0.1:17001,...,17006), password
// sessionpp-test, `prefix` as key_prefix, keyspace checks off.
RedisOptions redis_cluster_test_options(const std::string& prefix);
// Sentinel setup (scripts/services.d/redis-sentinel.sh): options from
// SESSIONPP_TEST_REDIS_SENTINELS (default 127.0.0.1:17201,17202,17203) and
// SESSIONPP_TEST_REDIS_SENTINEL_MASTER (sessionpp).
RedisOptions redis_sentinel_test_options(const std::string& prefix);
// A raw connection to one server (nullptr when unreachable), with the credentials of `options`.
std::unique_ptr<redis::Connection> redis_raw_at(const RedisOptions& options,
                                                const std::string& host, int port);
// Deletes every key under `prefix` on every primary of the cluster / on the Sentinels' primary.
void redis_cluster_delete_prefix(const RedisOptions& options, std::string_view prefix);
void redis_sentinel_delete_prefix(const RedisOptions& options, std::string_view prefix);
// The Sentinels' current primary "host", port; port 0 when no Sentinel answers.
std::pair<std::string, int> redis_sentinel_primary(const RedisOptions& options);
// The directory of a services script's data (SESSIONPP_SERVICES_DIR or <source>/.services).
std::string redis_services_dir(const std::string& source_dir);

}  // namespace sessionpp::testing
