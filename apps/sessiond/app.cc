#include "app.h"

#include <cstdio>
#include <cstdlib>

#include "instrumented_repository.h"
#include "log.h"
#include "passwords.h"

namespace sessiond {
namespace {

sessionpp::SessionPolicy policy_of(const Config& c) {
  return sessionpp::SessionPolicy{.max_inactive = c.security.session_timeout};
}

}  // namespace

std::string single_node_warning(const App& app) {
  if (app.live()->repository->kind() != "memory" || !app.looks_like_fleet) return {};
  return "warning: this node keeps sessions in memory (type = \"in-memory\"); they are not "
         "shared with other nodes, so behind a load balancer users will be signed out when "
         "another node answers. Choose redis, jdbc or mongodb in "
         "[security.session_persistence].";
}

sessionpp::Result<void> check_store(const Config& config) {
  auto repo = open_persistence(
      PersistenceContext{config.security.persistence, config.databases, policy_of(config)});
  if (!repo) return std::move(repo).error();
  return (*repo)->ping();
}

sessionpp::Result<std::shared_ptr<LiveStore>> open_live_store(App& app, Config config) {
  auto live = std::make_shared<LiveStore>();
  live->config = std::move(config);
  const Config& c = live->config;
  auto repo =
      open_persistence(PersistenceContext{c.security.persistence, c.databases, policy_of(c)});
  if (!repo) return std::move(repo).error();
  live->repository = instrument(std::move(*repo), app.metrics, app.store_fault_file);
  live->sessions =
      std::make_unique<sessionpp::http::SessionManager>(*live->repository, c.security.http);
  if (c.security.purge_interval.count() > 0 && live->repository->kind() != "memory") {
    // The memory store sweeps by itself; the others are purged from here.
    live->purger =
        std::make_unique<PurgeScheduler>(*live->repository, c.security.purge_interval,
                                         static_cast<std::size_t>(c.security.purge_batch));
  }
  return live;
}

sessionpp::Result<void> reload_config(App& app) {
  if (app.config.source.empty()) {
    return sessionpp::make_error(sessionpp::Errc::kInvalidArgument,
                                 "started without --config: there is no file to reload");
  }
  auto loaded = load_config(app.config.source);
  if (!loaded) return std::move(loaded).error();
  Config next = app.config;  // [server] as started (with its command-line overrides)
  next.security = std::move(loaded->security);
  next.databases = std::move(loaded->databases);
  next.security.users = app.config.security.users;  // users are read at start only
  auto live = open_live_store(app, std::move(next));
  if (!live) return std::move(live).error();
  app.swap_live(std::move(*live));
  return {};
}

sessionpp::Result<std::unique_ptr<App>> make_app(Config config, const AppOptions& options) {
  auto app = std::make_unique<App>();
  app->config = std::move(config);
  app->test_hooks = options.test_hooks;
  const Config& c = app->config;

  app->store_fault_file = options.store_fault_file;
  auto live = open_live_store(*app, c);
  if (!live) return std::move(live).error();
  app->swap_live(std::move(*live));

  std::vector<UserConfig> users = c.security.users;
  if (c.security.authentication && users.empty()) {
    std::string password;
    const char* from_env = std::getenv("SESSIOND_ADMIN_PASSWORD");
    if (from_env != nullptr && *from_env != '\0') {
      password = from_env;
      log_info(
          "no users configured: created user 'admin' with the password from "
          "SESSIOND_ADMIN_PASSWORD");
    } else {
      password = random_password();
      // Printed once, to stdout only, so that a first start can be signed into.
      std::printf(
          "sessiond: no users configured: created user 'admin' with password %s\n"
          "sessiond: (set SESSIOND_ADMIN_PASSWORD to choose it, or add "
          "[[security.users]] with `sessionctl hash-password`)\n",
          password.c_str());
      std::fflush(stdout);
    }
    auto hash = hash_password(password);
    if (!hash) return std::move(hash).error();
    users.push_back(UserConfig{
        .username = "admin", .password_hash = std::move(*hash), .roles = {"admin", "user"}});
  }
  if (!c.server.node_name.empty()) app->looks_like_fleet = true;
  app->users = std::make_unique<UserDirectory>(std::move(users));
  app->throttle = std::make_unique<LoginThrottle>(c.security.login_throttle);
  return app;
}

}  // namespace sessiond
