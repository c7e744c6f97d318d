#include "common.h"

#include <cstdio>
#include <cstdlib>

#include "commands.h"

namespace sessionctl {

std::optional<std::string> take_option(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "sessionctl: %s needs a value\n", name.c_str());
        std::exit(kUsage);
      }
      std::string value = args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i + 2));
      return value;
    }
    if (args[i].starts_with(name + "=")) {
      std::string value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      return value;
    }
  }
  return std::nullopt;
}

std::string take_config_path(std::vector<std::string>& args) {
  if (auto path = take_option(args, "--config")) return *path;
  if (const char* env = std::getenv("SESSIOND_CONFIG"); env != nullptr && *env != '\0') return env;
  return "/etc/sessiond/sessiond.toml";
}

std::optional<sessiond::Config> load(const std::string& path) {
  auto config = sessiond::load_config(path);
  if (!config) {
    std::fprintf(stderr, "sessionctl: invalid configuration: %s\n", config.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*config);
}

int store_failure(const std::string& what, const sessionpp::Error& error) {
  std::fprintf(stderr, "sessionctl: %s: %s\n", what.c_str(), error.to_string().c_str());
  return sessionpp::is_transient(error.code) ? kUnreachable : kUsage;
}

}  // namespace sessionctl
