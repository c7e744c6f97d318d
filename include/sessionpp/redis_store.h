#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/repository.h"
#include "sessionpp/result.h"

namespace sessionpp {

// How the store finds its server(s). See docs/stores/redis.md.
enum class RedisMode {
  // One server at host:port.
  kStandalone,
  // A Redis Cluster: the store learns the slot map from `cluster_nodes`, routes every command to
  // the primary of its key's slot and follows MOVED/ASK redirections and topology changes.
  kCluster,
  // A primary watched by Sentinels: the store asks `sentinels` for the primary of `master_name`
  // and asks again after a failover (connection failures, READONLY replies).
  kSentinel,
};

// Settings of the Redis store. An aggregate: `RedisOptions{.host = "10.0.0.5", .pool = {.size =
// 16}}`. Passwords are never logged and never appear in an error message.
struct RedisOptions {
  SessionPolicy policy;
  // Host name or IP address of the Redis server. Default: "127.0.0.1".
  std::string host = "127.0.0.1";
  // TCP port, 1 to 65535. Default: 6379.
  int port = 6379;
  // Standalone, cluster or sentinel. In cluster and sentinel mode host and port are ignored.
  // Default: kStandalone.
  RedisMode mode = RedisMode::kStandalone;
  // Cluster mode: seed nodes, "host:port" ("[v6]:port"), at least one; the rest of the cluster
  // is learned from them (CLUSTER SLOTS). Default: empty.
  std::vector<std::string> cluster_nodes;
  // Sentinel mode: the Sentinels, "host:port", at least one. Default: empty.
  std::vector<std::string> sentinels;
  // Sentinel mode: the name the Sentinels monitor the primary under. Default: empty.
  std::string master_name;
  // Sentinel mode: ACL user and password for the Sentinels themselves (the data nodes use
  // username/password). Empty: no AUTH to the Sentinels. Default: empty.
  std::string sentinel_username;
  std::string sentinel_password;
  // ACL user name (Redis 6+). Empty: the default user, `AUTH <password>`. Default: empty.
  std::string username;
  // Password sent with AUTH on every new connection. Empty: no AUTH. Default: empty.
  std::string password;
  // Logical database selected on every new connection (>= 0; the server's `databases` setting is
  // the upper bound). Default: 0.
  int database = 0;
  // Prepended to every key the store writes. At most 200 bytes; must not contain '{' or '}' (the
  // store uses them as hash tags). Default: "sessionpp:".
  std::string key_prefix = "sessionpp:";
  // Longest wait for a new TCP connection and its AUTH/SELECT. Must be > 0. Default: 2 s.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(2);
  // Longest wait for the reply to a command. Must be > 0. Default: 1 s.
  std::chrono::milliseconds command_timeout = std::chrono::seconds(1);
  struct Pool {
    // Most pooled connections open at once, 1 to 1024. They open lazily. Default: 8.
    std::size_t size = 8;
    // How long a call waits for a free connection when all are in use; 0: fail at once with
    // kTimeout. Default: 1 s.
    std::chrono::milliseconds wait_timeout = std::chrono::seconds(1);
    // Connections, besides the `size` pooled ones, that carry find()'s reads auto-pipelined:
    // finds issued while a round trip is in flight go out together in the next one, so the
    // server answers many per system call. 0 to 64; 0: finds borrow pooled connections like
    // every other call. Default: 2.
    std::size_t pipelined_reads = 2;
  } pool;
  // At open, ask the server (CONFIG GET, where ACLs allow it) whether keyspace notifications for
  // expired keys are on. When they are, a thread of the store subscribes to them on a connection
  // of its own and reports sessions Redis expires through on_expired at once; when they are not
  // (or CONFIG GET is refused), it logs how to enable them, and purge_expired() reports those
  // sessions instead. Each expiry is reported once across all nodes. Never runs CONFIG SET.
  // Default: true.
  bool keyspace_events = true;
  // Receives the store's log lines (undecodable records, keyspace-notification status, a session
  // lost halfway through an id change). Never given a password. May be called from several
  // threads at once. Null: standard error. Default: null.
  std::function<void(std::string_view)> log;

  // Parses `redis://[[user]:password@]host[:port][/database][?option=value&...]`,
  // `redis+cluster://[[user]:password@]host:port[,host:port...][?option=value&...]` (the seeds;
  // database 0 only) and
  // `redis+sentinel://[[user]:password@]host:port[,host:port...]/master_name[/database][?...]`
  // (the Sentinels; sentinel_username and sentinel_password as options). User and password are
  // percent-decoded; an IPv6 host goes in brackets. Options: key_prefix, connect_timeout_ms,
  // command_timeout_ms, pool_size, pool_wait_timeout_ms, pipelined_reads.
  // Unset parts keep their defaults. `rediss://` (TLS) is refused: not supported yet.
  // Errors: kInvalidArgument naming the part at fault (never echoing the password).
  [[nodiscard]] static Result<RedisOptions> from_uri(std::string_view uri);
};

// Sessions in Redis: one hash per session, a sorted-set index per principal and one per key
// prefix for expiry (see docs/stores/redis.md). Validates `options`, connects once (AUTH, SELECT,
// loads its Lua scripts) and returns the store; later connections open lazily, and broken ones are
// replaced, so the store heals by itself when Redis comes back.
//
// Errors: kInvalidArgument naming the option at fault, a failed authentication (naming the user)
// or a database index the server refuses; kUnavailable when host:port cannot be reached;
// kTimeout when it does not answer within connect_timeout; kReadOnly when ACLs deny a command the
// store needs.
//
// Thread safety: the store is safe for concurrent access without external synchronization. ping()
// sends one PING (on a pipelined-read connection when there are any, so it never queues behind
// busy pooled connections): cheap enough for a readiness probe.
[[nodiscard]] Result<std::unique_ptr<SessionRepository>> open_redis_store(
    const RedisOptions& options);

}  // namespace sessionpp
