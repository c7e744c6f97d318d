#include "server.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connection.h"
#include "listener.h"
#include "log.h"

namespace sessiond {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

bool write_port_file(const std::string& path, unsigned short port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Waits for connections to finish their requests, then stops the I/O loop.
asio::awaitable<void> drain(ServerState& state, asio::io_context& ioc,
                            std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(ioc);
  while (state.count() > 0 && std::chrono::steady_clock::now() < deadline) {
    state.close_idle();
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (state.count() > 0) {
    log_error("shutdown timeout: closing " + std::to_string(state.count()) +
              " connections with requests in progress");
  }
  ioc.stop();
}

}  // namespace

int run_server(App& app) {
  std::signal(SIGPIPE, SIG_IGN);
  const ServerConfig& cfg = app.config.server;
  auto addr = parse_listen(cfg.listen);
  if (!addr) {
    log_error(addr.error().message);
    return 1;
  }
  const auto io_threads = static_cast<int>(cfg.io_threads);
  asio::io_context ioc(io_threads);
  ServerState state(app, static_cast<std::size_t>(app.config.server.worker_threads));

  tcp::acceptor acceptor(ioc);
  boost::system::error_code ec;
  tcp::endpoint endpoint;
  const auto ip = asio::ip::make_address(addr->host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(ip, addr->port);
  } else {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(addr->host, std::to_string(addr->port), ec);
    if (ec || results.empty()) {
      log_error("server.listen: cannot resolve host '" + addr->host + "': " + ec.message());
      return 1;
    }
    endpoint = results.begin()->endpoint();
  }
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    log_error("server.listen: cannot listen on " + cfg.listen + ": " + ec.message());
    return 1;
  }
  const tcp::endpoint bound = acceptor.local_endpoint();
  const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                   : bound.address().to_string();
  const std::string where = host + ":" + std::to_string(bound.port());
  if (app.node_name.empty()) app.node_name = cfg.node_name.empty() ? where : cfg.node_name;
  std::printf(
      "sessiond: listening on http://%s as node %s (store: %s, authentication: %s, %d I/O and "
      "%lld worker threads)\n",
      where.c_str(), app.node_name.c_str(), std::string(app.live()->repository->kind()).c_str(),
      app.config.security.authentication ? "on" : "off", io_threads,
      static_cast<long long>(cfg.worker_threads));
  std::fflush(stdout);
  if (const std::string w = single_node_warning(app); !w.empty()) log_error(w);
  if (!cfg.port_file.empty() && !write_port_file(cfg.port_file, bound.port())) {
    log_error("--port-file: cannot write '" + cfg.port_file + "'");
    return 1;
  }

  asio::co_spawn(ioc, listen(acceptor, state), asio::detached);

  asio::signal_set hangups(ioc, SIGHUP);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& sec, int signo) {
        if (sec) return;
        if (state.stopping.exchange(true)) {
          log_info("second signal: stopping now");
          ioc.stop();
          return;
        }
        log_info(std::string("received ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT") +
                 ": finishing requests in progress (send it again to stop at once)");
        boost::system::error_code ignored;
        acceptor.close(ignored);
        hangups.cancel(ignored);
        asio::co_spawn(ioc,
                       drain(state, ioc, std::chrono::steady_clock::now() + cfg.shutdown_timeout),
                       asio::detached);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  // SIGHUP: re-read the file and apply [security] and [databases] (on a worker: opening a store
  // blocks). The running store stays when the file or the new store is bad.
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& sec, int) {
        if (sec || state.stopping) return;
        asio::post(state.pool, [&app] {
          if (auto r = reload_config(app); !r) {
            log_error("SIGHUP: configuration not reloaded: " + r.error().message);
          } else {
            log_info("SIGHUP: configuration reloaded from " + app.config.source +
                     " (store: " + std::string(app.live()->repository->kind()) + ")");
          }
        });
        hangups.async_wait(on_hangup);
      };
  hangups.async_wait(on_hangup);

  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  state.pool.join();
  {
    std::lock_guard lock(state.mu);
    state.connections.clear();
  }
  log_info("stopped");
  return 0;
}

}  // namespace sessiond
