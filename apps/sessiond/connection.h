#pragma once

// One client connection: reads requests with named limits and timeouts, hands each to Routes on
// the worker pool, writes the answer. Each connection coroutine is its own exception boundary.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>

#include "server_state.h"

namespace sessiond {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerState& state);

  // Serves requests until the client leaves, a limit is hit, or the server stops.
  boost::asio::awaitable<void> run();

  // Closes the socket unless a request is in progress. Call on the connection's executor.
  void close_if_idle();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  boost::asio::awaitable<void> reject(int status, std::string message);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  ServerState& state_;
  std::string remote_;
  bool busy_ = false;  // a request is being read or answered
};

}  // namespace sessiond
