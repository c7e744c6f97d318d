#pragma once

// Accepts connections and starts one Connection coroutine per client on its own strand.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server_state.h"

namespace sessiond {

// Runs until the acceptor is closed.
boost::asio::awaitable<void> listen(boost::asio::ip::tcp::acceptor& acceptor, ServerState& state);

}  // namespace sessiond
