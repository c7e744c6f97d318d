#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sessionpp::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) out.push_back(v);
  }
  return out;
}

std::optional<std::string> HttpResponse::set_cookie(std::string_view name) const {
  const std::string prefix = std::string(name) + "=";
  for (const auto& line : all("Set-Cookie")) {
    if (line.starts_with(prefix)) return line;
  }
  return std::nullopt;
}

std::optional<std::string> HttpResponse::cookie_value(std::string_view name) const {
  auto line = set_cookie(name);
  if (!line) return std::nullopt;
  const std::size_t start = name.size() + 1;
  return line->substr(start, line->find(';') - start);
}

struct HttpClient::Impl {
  std::string host;
  std::uint16_t port;
  bool keep_alive;
  asio::io_context ioc;
  std::optional<asio::ip::tcp::socket> socket;
  beast::flat_buffer buffer;

  void connect(std::chrono::milliseconds timeout) {
    socket.emplace(ioc);
    asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
    socket->connect(ep);
    // Blocking reads that never end would hang the test: give them a deadline.
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    buffer.clear();
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, bool keep_alive)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->keep_alive = keep_alive;
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 const Headers& headers, std::string_view body,
                                 std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  if (!s.socket || !s.keep_alive) s.connect(timeout);
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, s.host + ":" + std::to_string(s.port));
  for (const auto& [n, v] : headers) req.insert(n, v);
  req.body() = std::string(body);
  req.keep_alive(s.keep_alive);
  if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
  beast::error_code ec;
  http::write(*s.socket, req, ec);
  if (ec) {
    s.socket.reset();
    throw std::runtime_error("writing " + std::string(method) + " " + std::string(target) + ": " +
                             ec.message());
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(*s.socket, s.buffer, parser, ec);
  if (ec) {
    s.socket.reset();
    throw std::runtime_error("reading the response to " + std::string(method) + " " +
                             std::string(target) + ": " + ec.message());
  }
  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  out.body = std::move(res.body());
  if (!s.keep_alive || !res.keep_alive()) s.socket.reset();
  return out;
}

RawConnection::RawConnection(const std::string& host, std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                             std::strerror(errno));
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (closed != nullptr) *closed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace sessionpp::testing
