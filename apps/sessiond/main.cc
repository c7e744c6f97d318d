// sessiond: the reference session server. See docs/sessiond.md.
//
//   sessiond [--config FILE] [--listen HOST:PORT] [--node-name NAME] [--port-file PATH]
//   sessiond --check-config [--config FILE]
//
// SIGHUP re-reads the --config file and applies its [security] and [databases] (see
// docs/console.md). Exit codes: 0 clean exit or valid configuration; 1 cannot listen or cannot open
// the store; 2 invalid configuration or usage.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "app.h"
#include "config.h"
#include "log.h"
#include "server.h"

namespace {

constexpr const char* kUsage =
    "usage: sessiond [--config FILE] [--listen HOST:PORT] [--node-name NAME]\n"
    "                [--port-file PATH] [--check-config]\n"
    "  --config FILE       TOML configuration (default: built-in defaults)\n"
    "  --listen HOST:PORT  overrides server.listen (port 0: any free port)\n"
    "  --node-name NAME    overrides server.node_name (the X-Served-By header)\n"
    "  --port-file PATH    writes the bound port to PATH once listening\n"
    "  --check-config      validates the configuration and the store, exits 0 or 2\n";

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  std::string listen;
  std::string node_name;
  std::string port_file;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "sessiond: %s needs a value\n%s", argv[i], kUsage);
        std::exit(2);
      }
      out = argv[++i];
    };
    if (arg == "--config") {
      value(config_path);
    } else if (arg == "--listen") {
      value(listen);
    } else if (arg == "--node-name") {
      value(node_name);
    } else if (arg == "--port-file") {
      value(port_file);
    } else if (arg == "--check-config") {
      check = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "sessiond: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }

  sessionpp::Result<sessiond::Config> loaded =
      config_path.empty() ? sessionpp::Result<sessiond::Config>(sessiond::Config{})
                          : sessiond::load_config(config_path);
  if (!loaded) {
    std::fprintf(stderr, "sessiond: invalid configuration: %s\n", loaded.error().message.c_str());
    return 2;
  }
  sessiond::Config config = std::move(*loaded);
  if (!listen.empty()) config.server.listen = listen;
  if (!node_name.empty()) config.server.node_name = node_name;
  if (!port_file.empty()) config.server.port_file = port_file;
  if (auto v = sessiond::validate(config); !v) {
    std::fprintf(stderr, "sessiond: invalid configuration: %s\n", v.error().message.c_str());
    return 2;
  }

  if (check) {
    if (auto s = sessiond::check_store(config); !s) {
      std::fprintf(stderr, "sessiond: invalid configuration: security.session_persistence: %s\n",
                   s.error().message.c_str());
      return 2;
    }
    std::printf("sessiond: configuration OK (%s, session persistence: %s)\n",
                config_path.empty() ? "built-in defaults" : config_path.c_str(),
                config.security.persistence.type.c_str());
    return 0;
  }

  sessiond::AppOptions options;
  options.test_hooks = env_flag("SESSIOND_TEST_HOOKS");
  if (options.test_hooks) {
    if (const char* f = std::getenv("SESSIOND_TEST_STORE_FAULT_FILE")) options.store_fault_file = f;
    sessiond::log_info("test hooks are ON (SESSIOND_TEST_HOOKS=1): never use this in production");
  }
  auto app = sessiond::make_app(std::move(config), options);
  if (!app) {
    sessiond::log_error("cannot start: security.session_persistence: " + app.error().message);
    return 1;
  }
  return sessiond::run_server(**app);
}
