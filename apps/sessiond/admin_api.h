#pragma once

// The admin JSON API behind /console/ (admin role; every change needs the CSRF token):
//   GET|PUT /api/admin/security          the [security] settings and the session store
//   POST    /api/admin/security/test     opens the entered store and proves it can write
//   GET     /api/admin/sessions?user=N   active sessions, per user
//   DELETE  /api/admin/sessions/{handle} ends one session
//   DELETE  /api/admin/users/{name}/sessions  signs a user out everywhere
// docs/console.md describes the requests and answers.

#include <optional>
#include <string>
#include <string_view>

#include "app.h"
#include "config.h"
#include "routes.h"
#include "sessionpp/http/exchange.h"

namespace sessiond {

// Session attributes sessiond keeps for itself start with this; /api/session does not list them.
inline constexpr std::string_view kReservedAttributePrefix = "sessiond.";
// The session attribute holding the name of the node that signed the user in.
inline constexpr std::string_view kNodeAttribute = "sessiond.node";
// The session attribute holding the console's CSRF token; sent back in X-CSRF-Token.
inline constexpr std::string_view kCsrfAttribute = "sessiond.csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct AdminRequest {
  App& app;
  LiveStore& live;
  const sessionpp::http::Request& request;
  std::string_view body;
  std::string_view path;  // without the query
  std::string_view method;
};

// Answers a request under /api/admin/ into `out`; returns the route pattern for metrics.
std::string_view handle_admin(const AdminRequest& request, Response& out);

// Opens the store `config` describes and proves it can write: creates, saves and removes a
// probe session. Errors are the store's (kReadOnly for a read-only database).
sessionpp::Result<void> probe_store(const Config& config);

// What is wrong with a Redis cluster node or sentinel entry ("HOST:PORT", "[V6]:PORT"), in words
// that follow the entry in an error message; nullopt when it is well formed.
std::optional<std::string> redis_endpoint_problem(const std::string& entry);

}  // namespace sessiond
