#include "stores/sql/pool.h"

namespace sessionpp::sql {

Pool::~Pool() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

Pool::Lease::~Lease() {
  if (conn_) pool_->give_back(std::move(conn_));
}

Result<Pool::Lease> Pool::acquire() {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + wait_timeout_;
  while (idle_.empty() && open_ >= size_) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return make_error(Errc::kTimeout,
                        "no free database connection within " +
                            std::to_string(wait_timeout_.count()) +
                            " ms (SqlStoreOptions.pool.size = " + std::to_string(size_) + ")");
    }
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn), /*reused=*/true);
  }
  ++open_;
  lock.unlock();
  auto conn = driver_.connect();  // network I/O: outside the lock
  if (!conn) {
    lock.lock();
    --open_;
    cv_.notify_one();
    return std::move(conn).error();
  }
  return Lease(this, std::move(*conn), /*reused=*/false);
}

void Pool::give_back(std::unique_ptr<Connection> conn) {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    if (conn->broken()) {
      // A server restart kills every connection at once: drop the idle ones too, so the next
      // callers connect afresh instead of each finding a dead connection.
      dropped = std::move(idle_);
      idle_.clear();
      open_ -= dropped.size() + 1;
      dropped.push_back(std::move(conn));
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  cv_.notify_all();
  // Closing may send a goodbye to the server: outside the lock.
  dropped.clear();
}

}  // namespace sessionpp::sql
