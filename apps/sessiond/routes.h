#pragma once

// The HTTP API and pages, framework-free: a request view and body in, a Response out. The
// connection (Beast) calls handle() on a worker thread, so handlers may block on the store;
// only requests answers_inline() accepts are answered on the I/O thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app.h"
#include "sessionpp/http/exchange.h"

namespace sessiond {

struct Response final : sessionpp::http::ResponseSink {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The route pattern for metrics; a string with static storage.
  std::string_view route = "(unmatched)";

  void add_header(std::string_view name, std::string_view value) override {
    headers.emplace_back(name, value);
  }
};

class Routes {
 public:
  explicit Routes(App& app) : app_(app) {}

  // Answers one request. Never throws for bad input: every failure is a 4xx naming the field,
  // or a 503 with Retry-After when the store is unavailable.
  Response handle(const sessionpp::http::Request& request, std::string_view body);

  // True for requests whose answer never blocks (GET /healthz): the connection answers them on
  // its I/O thread, without the hand-off to a worker, so a liveness probe answers even while
  // every worker waits on a store that went away.
  bool answers_inline(const sessionpp::http::Request& request) const;

 private:
  App& app_;
};

// Percent-decodes `text` ('+' as space when `form`); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool form = false);

}  // namespace sessiond
