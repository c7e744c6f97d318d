#pragma once

// A bounded, lazy pool of connections to one Redis server.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "sessionpp/result.h"
#include "stores/redis/connection.h"
#include "stores/redis/endpoint.h"

namespace sessionpp::redis {

class ConnectionPool;

// A connection on loan; returns it to the pool when destroyed, or drops it when it broke.
class Lease {
 public:
  Lease(Lease&& other) noexcept
      : pool_(other.pool_), conn_(std::move(other.conn_)), reused_(other.reused_) {
    other.pool_ = nullptr;
  }
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  Connection& operator*() const noexcept { return *conn_; }
  Connection* operator->() const noexcept { return conn_.get(); }
  // True when the connection was opened earlier and sat idle: after a server restart such a
  // connection fails on first use although a new one would work.
  bool reused() const noexcept { return reused_; }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn, bool reused)
      : pool_(pool), conn_(std::move(conn)), reused_(reused) {}

  ConnectionPool* pool_;
  std::unique_ptr<Connection> conn_;
  bool reused_;
};

// Opens connections lazily, at most `size` at once. A caller finding all of them in use waits up
// to `wait_timeout`. The mutex is never held during network I/O: connecting happens after a slot
// is reserved. Broken connections are dropped and replaced by new ones on demand, so the pool
// heals when the server comes back.
//
// Thread safety: safe for concurrent access without external synchronization. Must outlive
// every Lease.
class ConnectionPool {
 public:
  ConnectionPool(Endpoint ep, std::size_t size, std::chrono::milliseconds wait_timeout);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, a new one, or kTimeout after waiting wait_timeout for a free slot;
  // connection errors (kUnavailable, kTimeout, auth) from opening a new one.
  Result<Lease> acquire();

  // Closes the idle connections: called when one connection broke, since the others to the same
  // server most likely broke with it.
  void drop_idle();

  const Endpoint& endpoint() const noexcept { return ep_; }

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Connection> conn);

  const Endpoint ep_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_timeout_;

  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  std::size_t open_ = 0;                           // GUARDED_BY(mu_): idle + lent + connecting
};

}  // namespace sessionpp::redis
