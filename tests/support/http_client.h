#pragma once

// A small synchronous HTTP/1.1 client for tests (Boost.Beast inside, none of it in this header),
// and a raw socket for tests that must misbehave (slow or oversized requests).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessionpp::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  // The first header called `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Every header called `name` (case-insensitive), in order.
  std::vector<std::string> all(std::string_view name) const;
  // The Set-Cookie line for cookie `name`, or nullopt.
  std::optional<std::string> set_cookie(std::string_view name = "SESSION") const;
  // The value that Set-Cookie gives cookie `name` (empty when it clears it), or nullopt.
  std::optional<std::string> cookie_value(std::string_view name = "SESSION") const;
};

// Thread-compatible. Each request opens a connection unless keep_alive is on.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port, bool keep_alive = false);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request and reads its response. Throws std::runtime_error on a network error or
  // when no response arrives within `timeout`.
  HttpResponse request(std::string_view method, std::string_view target,
                       const Headers& headers = {}, std::string_view body = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(15));

  HttpResponse get(std::string_view target, const Headers& headers = {}) {
    return request("GET", target, headers);
  }
  HttpResponse post(std::string_view target, std::string_view body, const Headers& headers = {}) {
    return request("POST", target, headers, body);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A plain TCP connection for tests that send bytes by hand.
class RawConnection {
 public:
  // Throws std::runtime_error when it cannot connect.
  RawConnection(const std::string& host, std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false when the peer has closed.
  bool send(std::string_view bytes);
  // Reads until the peer closes or `timeout` passes. `closed` tells which.
  std::string read_until_close(std::chrono::milliseconds timeout, bool* closed = nullptr);

 private:
  int fd_ = -1;
};

}  // namespace sessionpp::testing
