// sessionctl config show | set-persistence | test
//
//   sessionctl config show [--config FILE]
//   sessionctl config set-persistence TYPE [--host H] [--port P] [--username U]
//              [--password-env VAR] [--database D] [--key-prefix P] [--table-prefix P]
//              [--mode standalone|cluster|sentinel] [--cluster-nodes H:P,...]
//              [--sentinels H:P,...] [--master-name NAME] [--sentinel-password-env VAR]
//              [--no-test] [--config FILE]
//   sessionctl config test [--config FILE]

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "admin_api.h"
#include "commands.h"
#include "common.h"
#include "config_writer.h"

namespace sessionctl {
namespace {

constexpr const char* kUsageText =
    "usage: sessionctl config show [--config FILE]\n"
    "       sessionctl config set-persistence TYPE [--host H] [--port P] [--username U]\n"
    "                  [--password-env VAR] [--database D] [--key-prefix P]\n"
    "                  [--table-prefix P] [--no-test] [--config FILE]\n"
    "                  redis only: [--mode standalone|cluster|sentinel]\n"
    "                  [--cluster-nodes H:P,H:P...] [--sentinels H:P,H:P...]\n"
    "                  [--master-name NAME] [--sentinel-password-env VAR]\n"
    "       sessionctl config test [--config FILE]\n"
    "  TYPE: in-memory | redis | jdbc | mongodb. --database: the Redis database index, the\n"
    "  [databases.NAME] for jdbc, or the MongoDB database name.\n"
    "  FILE: --config, else $SESSIOND_CONFIG, else /etc/sessiond/sessiond.toml\n";

int usage() {
  std::fputs(kUsageText, stderr);
  return kUsage;
}

std::string describe(const sessiond::Config& c) {
  const auto& p = c.security.persistence;
  if (p.type == "redis") {
    if (p.redis.mode == "cluster") {
      return "redis cluster (" + std::to_string(p.redis.cluster_nodes.size()) + " seed nodes)";
    }
    if (p.redis.mode == "sentinel") {
      return "redis master '" + p.redis.master_name + "' through " +
             std::to_string(p.redis.sentinels.size()) + " sentinels, database " +
             std::to_string(p.redis.database);
    }
    return "redis at " + p.redis.host + ":" + std::to_string(p.redis.port) + " database " +
           std::to_string(p.redis.database);
  }
  if (p.type == "jdbc") return "jdbc database '" + p.jdbc.database + "'";
  if (p.type == "mongodb") {
    return "mongodb at " +
           (p.mongodb.uri.empty() ? p.mongodb.host + ":" + std::to_string(p.mongodb.port)
                                  : std::string("(uri)")) +
           " database '" + p.mongodb.database + "'";
  }
  return p.type;
}

int show(const std::string& path) {
  auto text = sessiond::read_file(path);
  if (!text) {
    std::fprintf(stderr, "sessionctl: %s\n", text.error().message.c_str());
    return kUsage;
  }
  if (!load(path)) return kUsage;
  auto masked = sessiond::masked_config(*text, path);
  if (!masked) {
    std::fprintf(stderr, "sessionctl: %s\n", masked.error().message.c_str());
    return kUsage;
  }
  std::fputs(masked->c_str(), stdout);
  return kOk;
}

int test(const std::string& path) {
  auto config = load(path);
  if (!config) return kUsage;
  if (auto p = sessiond::probe_store(*config); !p) {
    return store_failure("connection test of " + describe(*config) + " failed", p.error());
  }
  std::printf("ok: %s: connected, wrote and removed a probe session\n", describe(*config).c_str());
  return kOk;
}

// "H:P,H:P" into a list; a bad entry is reported naming the option.
std::optional<std::vector<std::string>> endpoint_list(const std::string& option,
                                                      const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    std::string e = text.substr(from, comma - from);
    from = comma + 1;
    const std::size_t first = e.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    e = e.substr(first, e.find_last_not_of(" \t") - first + 1);
    if (auto problem = sessiond::redis_endpoint_problem(e)) {
      std::fprintf(stderr, "sessionctl: %s: '%s' %s\n", option.c_str(), e.c_str(),
                   problem->c_str());
      return std::nullopt;
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) {
    std::fprintf(stderr, "sessionctl: %s: needs at least one HOST:PORT\n", option.c_str());
    return std::nullopt;
  }
  return out;
}

// The Redis mode and its keys; the keys of the other modes are removed, as the console does.
bool redis_mode(sessiond::ConfigEdit& edit, const std::string& base,
                const std::optional<std::string>& mode,
                const std::optional<std::string>& cluster_nodes,
                const std::optional<std::string>& sentinels,
                const std::optional<std::string>& master_name,
                const std::optional<std::string>& sentinel_password_env) {
  const std::string m = mode.value_or(cluster_nodes ? "cluster" : sentinels ? "sentinel" : "");
  if (m.empty()) return true;  // the mode stays as it is
  if (m != "standalone" && m != "cluster" && m != "sentinel") {
    std::fprintf(stderr, "sessionctl: --mode: must be standalone, cluster or sentinel, not '%s'\n",
                 m.c_str());
    return false;
  }
  if ((cluster_nodes && m != "cluster") ||
      ((sentinels || master_name || sentinel_password_env) && m != "sentinel")) {
    std::fprintf(stderr,
                 "sessionctl: --cluster-nodes goes with --mode cluster; --sentinels, "
                 "--master-name and --sentinel-password-env with --mode sentinel\n");
    return false;
  }
  edit.set.emplace_back(base + "mode", m);
  if (m == "cluster") {
    if (!cluster_nodes) {
      std::fprintf(stderr, "sessionctl: --mode cluster needs --cluster-nodes H:P,H:P...\n");
      return false;
    }
    auto nodes = endpoint_list("--cluster-nodes", *cluster_nodes);
    if (!nodes) return false;
    edit.set_lists.emplace_back(base + "cluster_nodes", std::move(*nodes));
    edit.erase.push_back(base + "database");  // a cluster has database 0 only
  } else {
    edit.erase.push_back(base + "cluster_nodes");
  }
  if (m == "sentinel") {
    if (!sentinels || !master_name || master_name->empty()) {
      std::fprintf(stderr,
                   "sessionctl: --mode sentinel needs --sentinels H:P,H:P... and "
                   "--master-name NAME\n");
      return false;
    }
    auto list = endpoint_list("--sentinels", *sentinels);
    if (!list) return false;
    edit.set_lists.emplace_back(base + "sentinels", std::move(*list));
    edit.set.emplace_back(base + "master_name", *master_name);
    if (sentinel_password_env) {
      edit.set.emplace_back(base + "sentinel_password_env", *sentinel_password_env);
      edit.erase.push_back(base + "sentinel_password");
      edit.erase.push_back(base + "sentinel_password_file");
    }
  } else {
    edit.erase.push_back(base + "sentinels");
    edit.erase.push_back(base + "master_name");
  }
  return true;
}

int set_persistence(std::vector<std::string> args, const std::string& path) {
  auto host = take_option(args, "--host");
  auto port = take_option(args, "--port");
  auto username = take_option(args, "--username");
  auto password_env = take_option(args, "--password-env");
  auto database = take_option(args, "--database");
  auto key_prefix = take_option(args, "--key-prefix");
  auto table_prefix = take_option(args, "--table-prefix");
  auto mode = take_option(args, "--mode");
  auto cluster_nodes = take_option(args, "--cluster-nodes");
  auto sentinels = take_option(args, "--sentinels");
  auto master_name = take_option(args, "--master-name");
  auto sentinel_password_env = take_option(args, "--sentinel-password-env");
  bool no_test = false;
  std::erase_if(args, [&](const std::string& a) {
    if (a == "--no-test") no_test = true;
    return a == "--no-test";
  });
  if (args.size() != 1) return usage();
  const std::string type = args[0];
  if (!sessiond::is_persistence_type(type)) {
    std::fprintf(stderr,
                 "sessionctl: TYPE: unknown type '%s' (one of: in-memory, redis, jdbc, "
                 "mongodb)\n",
                 type.c_str());
    return kUsage;
  }
  auto integer = [](const std::string& option, const std::string& text, std::int64_t min,
                    std::int64_t max) -> std::optional<std::int64_t> {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < min ||
        n > max) {
      std::fprintf(stderr, "sessionctl: %s: must be an integer between %lld and %lld, not '%s'\n",
                   option.c_str(), static_cast<long long>(min), static_cast<long long>(max),
                   text.c_str());
      return std::nullopt;
    }
    return n;
  };
  const bool networked = type == "redis" || type == "mongodb";
  if (!networked && (host || port || username || password_env || key_prefix)) {
    std::fprintf(stderr,
                 "sessionctl: --host, --port, --username, --password-env and --key-prefix "
                 "apply to redis and mongodb only\n");
    return kUsage;
  }
  if (type == "in-memory" && (database || table_prefix)) {
    std::fprintf(stderr, "sessionctl: in-memory takes no options\n");
    return kUsage;
  }
  if (type == "jdbc" && !database) {
    std::fprintf(stderr, "sessionctl: jdbc needs --database NAME (a [databases.NAME] table)\n");
    return kUsage;
  }
  if (host && host->empty()) {
    std::fprintf(stderr, "sessionctl: --host: must not be empty\n");
    return kUsage;
  }
  if (type != "redis" &&
      (mode || cluster_nodes || sentinels || master_name || sentinel_password_env)) {
    std::fprintf(stderr,
                 "sessionctl: --mode, --cluster-nodes, --sentinels, --master-name and "
                 "--sentinel-password-env apply to redis only\n");
    return kUsage;
  }
  sessiond::ConfigEdit edit;
  const std::string base = "security.session_persistence." + type + ".";
  if (type == "redis" &&
      !redis_mode(edit, base, mode, cluster_nodes, sentinels, master_name, sentinel_password_env)) {
    return kUsage;
  }
  edit.set.emplace_back("security.session_persistence.type", type);
  if (host) edit.set.emplace_back(base + "host", *host);
  if (port) {
    auto n = integer("--port", *port, 1, 65535);
    if (!n) return kUsage;
    edit.set.emplace_back(base + "port", *n);
  }
  if (username) edit.set.emplace_back(base + "username", *username);
  if (password_env) {
    edit.set.emplace_back(base + "password_env", *password_env);
    edit.erase.push_back(base + "password");
    edit.erase.push_back(base + "password_file");
  }
  if (database) {
    if (type == "redis") {
      auto n = integer("--database", *database, 0, 1 << 20);
      if (!n) return kUsage;
      edit.set.emplace_back(base + "database", *n);
    } else {
      edit.set.emplace_back(base + "database", *database);
    }
  }
  if (key_prefix) edit.set.emplace_back(base + "key_prefix", *key_prefix);
  if (table_prefix) {
    if (type != "jdbc") {
      std::fprintf(stderr, "sessionctl: --table-prefix applies to jdbc only\n");
      return kUsage;
    }
    edit.set.emplace_back(base + "table_prefix", *table_prefix);
  }

  auto text = sessiond::read_file(path);
  if (!text) {
    std::fprintf(stderr, "sessionctl: %s\n", text.error().message.c_str());
    return kUsage;
  }
  auto edited = sessiond::apply_edit(*text, path, edit);
  if (!edited) {
    std::fprintf(stderr, "sessionctl: %s\n", edited.error().message.c_str());
    return kUsage;
  }
  auto next = sessiond::parse_config(*edited, path);
  if (!next) {
    std::fprintf(stderr, "sessionctl: not saved: %s\n", next.error().message.c_str());
    return kUsage;
  }
  if (!no_test) {
    if (auto p = sessiond::probe_store(*next); !p) {
      return store_failure("not saved: connection test of " + describe(*next) + " failed",
                           p.error());
    }
  }
  if (auto w = sessiond::write_file_atomically(path, *edited); !w) {
    std::fprintf(stderr, "sessionctl: %s\n", w.error().message.c_str());
    return kUsage;
  }
  std::printf(
      "saved %s: session persistence is now %s%s\n"
      "running nodes take the change on restart or on SIGHUP; sessions in the previous "
      "store are not carried over\n",
      path.c_str(), describe(*next).c_str(), no_test ? " (not tested)" : " (tested)");
  return kOk;
}

}  // namespace

int config_command(const std::vector<std::string>& all) {
  std::vector<std::string> args = all;
  const std::string path = take_config_path(args);
  if (args.empty()) return usage();
  const std::string sub = args[0];
  args.erase(args.begin());
  if (sub == "show" && args.empty()) return show(path);
  if (sub == "test" && args.empty()) return test(path);
  if (sub == "set-persistence") return set_persistence(std::move(args), path);
  if (sub == "--help" || sub == "-h") {
    std::fputs(kUsageText, stdout);
    return kOk;
  }
  return usage();
}

}  // namespace sessionctl
