#pragma once

// What every request handler shares: configuration, the store, the session manager, users,
// throttling and metrics. Built once at start; thread-safe afterwards.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "config.h"
#include "metrics.h"
#include "purge_scheduler.h"
#include "sessionpp/http/session_manager.h"
#include "sessionpp/repository.h"
#include "throttle.h"
#include "users.h"

namespace sessiond {

// The store in use and what depends on it. Replaced as a whole when the console saves new
// settings or SIGHUP reloads the file; requests keep the snapshot they started with, so the old
// store lives until the last of them ends.
struct LiveStore {
  Config config;  // the configuration this store was opened with ([security] is live)
  std::unique_ptr<sessionpp::SessionRepository> repository;
  std::unique_ptr<sessionpp::http::SessionManager> sessions;
  // Declared last: stops before the repository it uses goes away.
  std::unique_ptr<PurgeScheduler> purger;
};

struct App {
  Config config;          // as started; [server] never changes, see live() for [security]
  std::string node_name;  // set once the listener is bound
  Metrics metrics;
  std::string store_fault_file;  // AppOptions::store_fault_file
  // The store requests use now. Thread-safe.
  std::shared_ptr<LiveStore> live() const {
    std::lock_guard lock(live_mu_);
    return live_;
  }
  // Makes `next` the store every new request uses; returns the previous one.
  std::shared_ptr<LiveStore> swap_live(std::shared_ptr<LiveStore> next) {
    std::lock_guard lock(live_mu_);
    std::swap(live_, next);
    return next;
  }
  std::unique_ptr<UserDirectory> users;
  std::unique_ptr<LoginThrottle> throttle;
  // SESSIOND_TEST_HOOKS=1: honour X-Test-Delay-Ms and X-Test-Delay-After-Load-Ms. Never set in
  // production.
  bool test_hooks = false;
  // Set once this node has reason to think it is one of several (a node name was given, a
  // request came through a proxy): with the in-memory store, /readyz then warns that sessions
  // are not shared.
  std::atomic<bool> looks_like_fleet{false};

 private:
  mutable std::mutex live_mu_;
  std::shared_ptr<LiveStore> live_;  // GUARDED_BY(live_mu_)
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

// Opens the store `config` describes, with metrics and the purge scheduler, ready to be passed
// to App::swap_live. Errors name the setting at fault.
sessionpp::Result<std::shared_ptr<LiveStore>> open_live_store(App& app, Config config);

// Re-reads app.config.source and applies its [security] and [databases] to the running node
// (SIGHUP). [server] settings need a restart. Errors name the file and setting.
sessionpp::Result<void> reload_config(App& app);

// Opens the configured store and pings it (for --check-config). Errors name the setting.
sessionpp::Result<void> check_store(const Config& config);

}  // namespace sessiond
