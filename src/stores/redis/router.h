#pragma once

// Where each command goes. Standalone: one server. Cluster: the primary of the command's key
// slot, following MOVED/ASK and refreshing the slot map (CLUSTER SLOTS) when the topology changes.
// Sentinel: the primary the Sentinels name, asked again after connection failures or READONLY
// replies (a failover). One pool (and read batcher) per server.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "sessionpp/redis_store.h"
#include "sessionpp/result.h"
#include "stores/redis/cluster_slot.h"
#include "stores/redis/connection.h"
#include "stores/redis/connection_pool.h"
#include "stores/redis/endpoint.h"
#include "stores/redis/read_batcher.h"

namespace sessionpp::redis {

// Whether a batch may be sent again on a fresh connection when a reused one turned out closed
// (after a server restart, old connections fail although the server never saw the commands and
// the new server is up). Every batch may, except taking a session for an id change: a second take
// of a session the first one did delete would report kGone.
enum class Retry { kNo, kOnStaleConnection };

// One server: its pool and its read batcher (null when pipelined_reads is 0).
struct Node {
  Node(Endpoint ep, std::size_t pool_size, std::chrono::milliseconds wait_timeout,
       std::size_t pipelined_reads);
  ConnectionPool pool;
  std::unique_ptr<ReadBatcher> reads;
};

// Thread safety: safe for concurrent access without external synchronization.
class Router {
 public:
  // Standalone: no I/O. Cluster: reads the slot map from the first seed that answers. Sentinel:
  // asks the Sentinels for the primary. Errors name the seeds / Sentinels and master name.
  static Result<std::unique_ptr<Router>> open(const RedisOptions& o);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Sends `batch` (commands with at most one key each) and returns the replies in order. Error
  // replies are returned as replies; the call fails when a connection does. In cluster mode the
  // batch is split by node, one pipeline per node.
  Result<std::vector<ReplyPtr>> run(std::vector<Command> batch, Retry retry);
  // One read, auto-pipelined through the read batcher of its server when there is one.
  Result<ReplyPtr> read(const Command& c);
  // A pooled connection to the (standalone or current) primary; in cluster mode to the primary
  // of slot 0. For the checks at open.
  Result<Lease> acquire();
  // The server errors are attributed to: the standalone server, the current primary, or in
  // cluster mode the first seed.
  const Endpoint& endpoint() const noexcept;

  RedisMode mode() const noexcept { return mode_; }

 private:
  explicit Router(const RedisOptions& o);

  Node* node(const std::string& host, int port);
  Node* node_for(const Command& c);
  Result<std::vector<ReplyPtr>> run_on(Node& n, std::span<const Command* const> batch, Retry retry);
  Result<std::vector<ReplyPtr>> run_cluster(std::vector<Command>& batch, Retry retry);
  Result<std::vector<ReplyPtr>> run_sentinel(std::vector<Command>& batch, Retry retry);

  // Cluster: reads CLUSTER SLOTS from a known node. Rate-limited unless `force`.
  Result<void> refresh_slots(bool force);
  // Sentinel: asks the Sentinels for the primary; true when it changed from `stale`.
  // Rate-limited unless `force`.
  Result<bool> discover_primary(Node* stale, bool force);

  const RedisMode mode_;
  Endpoint base_;  // set in the constructor only; credentials, timeouts; host/port of the
                   // standalone server or 1st seed
  const std::size_t pool_size_;
  const std::chrono::milliseconds wait_timeout_;
  const std::size_t pipelined_reads_;
  std::vector<std::pair<std::string, int>> seeds_;  // cluster seeds or Sentinels
  const std::string master_name_;
  const std::string sentinel_username_;
  const std::string sentinel_password_;

  std::mutex nodes_mu_;
  std::map<std::string, std::unique_ptr<Node>> nodes_;  // GUARDED_BY(nodes_mu_); never erased

  std::atomic<Node*> primary_{nullptr};  // standalone server or Sentinel's current primary
  std::array<std::atomic<Node*>, kClusterSlots> slots_{};  // cluster: primary per slot

  std::mutex topology_mu_;                                 // one refresh / discovery at a time
  std::chrono::steady_clock::time_point last_topology_{};  // GUARDED_BY(topology_mu_)
};

}  // namespace sessionpp::redis
