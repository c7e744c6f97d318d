#pragma once

// What the listener and the connections share. Asio types: included only by listener.cc,
// connection.cc and server.cc.

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <set>

#include "app.h"
#include "routes.h"

namespace sessiond {

class Connection;

struct ServerState {
  ServerState(App& a, std::size_t workers) : app(a), routes(a), pool(workers) {}

  App& app;
  Routes routes;
  // Handlers and store calls run here, never on the I/O threads.
  boost::asio::thread_pool pool;
  // Set on SIGTERM/SIGINT: connections finish the request in hand and close.
  std::atomic<bool> stopping{false};

  void add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    connections.insert(c);
  }
  void remove(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    connections.erase(c);
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return connections.size();
  }
  // Closes every connection that is waiting for a request; busy ones close after answering.
  void close_idle();

  std::mutex mu;
  std::set<std::shared_ptr<Connection>> connections;  // GUARDED_BY(mu)
};

}  // namespace sessiond
