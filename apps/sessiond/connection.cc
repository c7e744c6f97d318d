#include "connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "log.h"

namespace sessiond {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// The Beast request seen through the framework-free view sessionpp::http expects.
class BeastRequest final : public sessionpp::http::Request {
 public:
  BeastRequest(const http::request<http::string_body>& req, std::string_view remote)
      : req_(req), remote_(remote) {}

  std::string_view method() const override { return sv(req_.method_string()); }
  std::string_view target() const override { return sv(req_.target()); }
  std::vector<std::string_view> headers(std::string_view name) const override {
    std::vector<std::string_view> out;
    auto [first, last] = req_.equal_range(beast::string_view(name.data(), name.size()));
    for (auto it = first; it != last; ++it) out.push_back(sv(it->value()));
    return out;
  }
  std::string_view remote_address() const override { return remote_; }
  bool is_https() const override { return false; }  // sessiond speaks plain HTTP

 private:
  const http::request<http::string_body>& req_;
  std::string_view remote_;
};

http::response<http::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                           const std::string& node) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set("X-Served-By", node);
  if (!r.body.empty() || r.status != 204) res.set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.insert(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::bad_descriptor ||
         ec == http::error::partial_message;
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, ServerState& state)
    : stream_(std::move(socket)), state_(state) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string();
}

void Connection::close_if_idle() {
  if (busy_) return;
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

asio::awaitable<void> Connection::reject(int status, std::string message) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = "{\"error\":\"" + message + "\"}\n";
  auto res = to_beast(std::move(r), 11, false, state_.app.node_name);
  stream_.expires_after(state_.app.config.server.write_timeout);
  co_await http::async_write(stream_, res, kTuple);
  state_.app.metrics.observe_request("(rejected)", status, 0);
  // Read what the client still sends before closing, so it sees the answer instead of a reset.
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> sink{};
  std::size_t drained = 0;
  while (drained < 4 * 1024 * 1024) {
    auto [rec, n] = co_await stream_.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += n;
  }
}

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  const ServerConfig& limits = state_.app.config.server;
  try {
    bool first = true;
    for (;;) {
      busy_ = false;
      if (state_.stopping) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
      parser.body_limit(limits.max_body_bytes);
      // A new connection must send its request within the read timeout; a kept-alive one may
      // stay idle for the keep-alive timeout.
      stream_.expires_after(first ? limits.read_timeout : limits.keep_alive_timeout);
      auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, kTuple);
      if (ec == http::error::header_limit) {
        co_await reject(431, "request header fields too large");
        break;
      }
      if (ec == http::error::body_limit) {
        co_await reject(
            413, "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes");
        break;
      }
      if (ec) {
        if (!is_disconnect(ec)) co_await reject(400, "malformed request");
        break;
      }
      busy_ = true;
      const auto started = Clock::now();
      stream_.expires_after(limits.read_timeout);
      if (!parser.is_done()) {
        auto expect = parser.get()[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          co_await asio::async_write(stream_, asio::buffer(kContinue), kTuple);
        }
        auto [bec, bn] = co_await http::async_read(stream_, buffer_, parser, kTuple);
        if (bec == http::error::body_limit) {
          co_await reject(
              413, "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes");
          break;
        }
        if (bec) {
          if (!is_disconnect(bec)) co_await reject(400, "malformed request body");
          break;
        }
      }
      stream_.expires_never();
      http::request<http::string_body> req = parser.release();
      Response response;
      if (BeastRequest view(req, remote_); state_.routes.answers_inline(view)) {
        response = state_.routes.handle(view, req.body());
      } else {  // on a worker: the handler may block on the store
        response = co_await asio::co_spawn(
            state_.pool,
            [this, &req]() -> asio::awaitable<Response> {
              BeastRequest worker_view(req, remote_);
              co_return state_.routes.handle(worker_view, req.body());
            },
            asio::use_awaitable);
      }
      const bool keep_alive = req.keep_alive() && !state_.stopping;
      const std::string_view route = response.route;
      const int status = response.status;
      auto res = to_beast(std::move(response), req.version(), keep_alive, state_.app.node_name);
      stream_.expires_after(limits.write_timeout);
      auto [wec, wn] = co_await http::async_write(stream_, res, kTuple);
      state_.app.metrics.observe_request(
          route, status, std::chrono::duration<double>(Clock::now() - started).count());
      if (wec || !keep_alive) break;
      first = false;
    }
  } catch (const std::exception& e) {
    log_error(std::string("connection from ") + remote_ + ": " + e.what());
  }
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
  state_.remove(self);
}

}  // namespace sessiond
