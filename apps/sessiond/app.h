#pragma once

// What every request handler shares: configuration, the store, the session manager, users,
// throttling and metrics. Built once at start; thread-safe afterwards.

#include <atomic>
#include <memory>
#include <string>

#include "config.h"
#include "metrics.h"
#include "purge_scheduler.h"
#include "sessionpp/http/session_manager.h"
#include "sessionpp/repository.h"
#include "throttle.h"
#include "users.h"

namespace sessiond {

struct App {
  Config config;
  std::string node_name;  // set once the listener is bound
  Metrics metrics;
  std::unique_ptr<sessionpp::SessionRepository> repository;
  std::unique_ptr<sessionpp::http::SessionManager> sessions;
  std::unique_ptr<UserDirectory> users;
  std::unique_ptr<LoginThrottle> throttle;
  // SESSIOND_TEST_HOOKS=1: honour X-Test-Delay-Ms and X-Test-Delay-After-Load-Ms. Never set in
  // production.
  bool test_hooks = false;
  // Set once this node has reason to think it is one of several (a node name was given, a
  // request came through a proxy): with the in-memory store, /readyz then warns that sessions
  // are not shared.
  std::atomic<bool> looks_like_fleet{false};
  // Declared last: stops before the repository it uses goes away.
  std::unique_ptr<PurgeScheduler> purger;
};

// The warning a single-node store gives when the node looks like one of several; empty when
// there is nothing to warn about.
std::string single_node_warning(const App& app);

struct AppOptions {
  // File whose existence makes every store call fail with kUnavailable (tests). Default: none.
  std::string store_fault_file;
  bool test_hooks = false;
};

// Opens the store and prepares users. With authentication on and no users, adds `admin` with
// the password from SESSIOND_ADMIN_PASSWORD or a random one, which is printed once to stdout.
// Errors name the setting at fault.
sessionpp::Result<std::unique_ptr<App>> make_app(Config config, const AppOptions& options);

// Opens the configured store and pings it (for --check-config). Errors name the setting.
sessionpp::Result<void> check_store(const Config& config);

}  // namespace sessiond
