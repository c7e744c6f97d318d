#include "stores/redis/connection_pool.h"

#include <string>

namespace sessionpp::redis {

Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(conn_));
}

ConnectionPool::ConnectionPool(Endpoint ep, std::size_t size,
                               std::chrono::milliseconds wait_timeout)
    : ep_(std::move(ep)), size_(size), wait_timeout_(wait_timeout) {}

Result<Lease> ConnectionPool::acquire() {
  {
    std::unique_lock lock(mu_);
    const bool free =
        freed_.wait_for(lock, wait_timeout_, [this] { return !idle_.empty() || open_ < size_; });
    if (!free) {
      return make_error(Errc::kTimeout, "no free connection to Redis at " + ep_.address() +
                                            " within pool.wait_timeout (" +
                                            std::to_string(wait_timeout_.count()) +
                                            " ms, pool.size " + std::to_string(size_) + ")");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), /*reused=*/true);
    }
    ++open_;  // reserve the slot, then connect without the lock
  }
  auto conn = Connection::open(ep_);
  if (!conn) {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    freed_.notify_one();
    return std::move(conn).error();
  }
  return Lease(this, std::move(*conn), /*reused=*/false);
}

void ConnectionPool::give_back(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    if (conn && !conn->broken()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  freed_.notify_one();
  // A broken connection is destroyed here, outside the lock (closing a socket is I/O).
}

void ConnectionPool::drop_idle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  freed_.notify_all();
}

}  // namespace sessionpp::redis
