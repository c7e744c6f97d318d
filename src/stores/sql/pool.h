#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sessionpp/result.h"
#include "stores/sql/driver.h"

namespace sessionpp::sql {

// A lazy, bounded connection pool. It opens connections on demand up to `size`, makes callers
// wait (up to `wait_timeout`) when all are lent, never holds its mutex during network I/O, and
// heals: a connection found broken is dropped together with every idle one (after a server
// restart they are all dead), so the next caller connects afresh.
//
// Thread safety: safe for concurrent access without external synchronization.
class Pool {
 public:
  Pool(Driver& driver, std::size_t size, std::chrono::milliseconds wait_timeout)
      : driver_(driver), size_(size), wait_timeout_(wait_timeout) {}
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection lent for the lease's lifetime; given back (or dropped when broken) at its end.
  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), conn_(std::move(other.conn_)), reused_(other.reused_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }
    // True when the connection was idle in the pool before (it may have died meanwhile).
    bool reused() const noexcept { return reused_; }

   private:
    friend class Pool;
    Lease(Pool* pool, std::unique_ptr<Connection> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
    bool reused_;
  };

  // kTimeout when no connection frees up within the wait timeout; connect errors otherwise.
  Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<Connection> conn);

  Driver& driver_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  std::size_t open_ = 0;                           // GUARDED_BY(mu_): idle + lent + connecting
};

}  // namespace sessionpp::sql
