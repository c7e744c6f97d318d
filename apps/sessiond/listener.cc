#include "listener.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connection.h"
#include "log.h"

namespace sessiond {

namespace asio = boost::asio;

void ServerState::close_idle() {
  std::lock_guard lock(mu);
  for (const auto& c : connections) {
    asio::post(c->executor(), [c] { c->close_if_idle(); });
  }
}

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, ServerState& state) {
  auto ex = acceptor.get_executor();
  for (;;) {
    // Each connection gets a strand: its coroutine and a shutdown's close never run at once.
    asio::ip::tcp::socket socket(asio::make_strand(ex));
    auto [ec] = co_await acceptor.async_accept(socket, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open() || state.stopping) co_return;
      // Out of file descriptors and the like: wait a moment rather than spin.
      log_error("accept: " + ec.message());
      asio::steady_timer pause(ex, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket), state);
    state.add(conn);
    asio::co_spawn(conn->executor(), conn->run(), asio::detached);
  }
}

}  // namespace sessiond
