#pragma once

// The two things sessionpp::http needs from an HTTP framework: a read-only view of the request
// and a place to put response headers. An adapter implements them over its own types (sessiond
// does it over Boost.Beast); nothing here depends on a framework.

#include <optional>
#include <string_view>
#include <vector>

namespace sessionpp::http {

// A read-only view of one request. Implementations must stay valid for the duration of the
// request and need not be thread-safe (one request is handled by one thread at a time).
class Request {
 public:
  virtual ~Request() = default;

  // "GET", "POST", ... as sent.
  virtual std::string_view method() const = 0;
  // The request target as sent: path and query ("/api/session?x=1").
  virtual std::string_view target() const = 0;
  // Every value of header `name` (matched case-insensitively), in the order received.
  virtual std::vector<std::string_view> headers(std::string_view name) const = 0;
  // The peer's IP address as text ("127.0.0.1", "::1"); empty when unknown.
  virtual std::string_view remote_address() const = 0;
  // True when the request arrived over TLS at this process.
  virtual bool is_https() const = 0;

  // The first value of header `name`, or nullopt.
  std::optional<std::string_view> header(std::string_view name) const {
    auto all = headers(name);
    if (all.empty()) return std::nullopt;
    return all.front();
  }
};

// Where the session layer writes its response headers (Set-Cookie, the id header). The adapter
// must send them with the response it is about to write.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // Adds a header line; repeated names are sent as repeated lines (Set-Cookie needs that).
  virtual void add_header(std::string_view name, std::string_view value) = 0;
};

}  // namespace sessionpp::http
