// RedisOptions::from_uri and option validation.

#include "stores/redis/redis_options.h"

#include <charconv>
#include <string>

#include "core/uri.h"

namespace sessionpp {
namespace {

Error bad(std::string message) { return make_error(Errc::kInvalidArgument, std::move(message)); }

// Percent-decoding (the one codec in core); nullopt on a malformed escape.
std::optional<std::string> decode(std::string_view s) { return detail::percent_decode(s); }

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Result<RedisOptions> RedisOptions::from_uri(std::string_view uri) {
  RedisOptions o;
  if (uri.substr(0, 9) == "rediss://") {
    return bad("Redis URI: rediss:// (TLS) is not supported yet; use redis://");
  }
  std::string_view rest;
  for (const auto& [scheme, mode] :
       {std::pair<std::string_view, RedisMode>{"redis://", RedisMode::kStandalone},
        {"redis+cluster://", RedisMode::kCluster},
        {"redis+sentinel://", RedisMode::kSentinel}}) {
    if (uri.substr(0, scheme.size()) == scheme) {
      o.mode = mode;
      rest = uri.substr(scheme.size());
      break;
    }
  }
  if (rest.data() == nullptr) {
    return bad("Redis URI must start with redis://, redis+cluster:// or redis+sentinel://");
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  // The password may contain '@' when not percent-encoded: the last '@' ends the credentials.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = cred.find(':');
    auto user = decode(cred.substr(0, colon));
    if (!user) return bad("Redis URI: malformed percent-escape in the user name");
    o.username = std::move(*user);
    if (colon != std::string_view::npos) {
      auto pass = decode(cred.substr(colon + 1));
      if (!pass) return bad("Redis URI: malformed percent-escape in the password");
      o.password = std::move(*pass);
    }
  }
  if (rest.empty()) return bad("Redis URI: the host is empty");
  if (o.mode == RedisMode::kStandalone) {
    if (rest.find(',') != std::string_view::npos) {
      return bad("Redis URI: several hosts need redis+cluster:// or redis+sentinel://");
    }
    auto a = redis::parse_address(rest, 6379);
    if (!a) return bad("Redis URI: " + a.error().message);
    o.host = std::move(a->first);
    o.port = a->second;
  } else {
    std::vector<std::string>& list = o.mode == RedisMode::kCluster ? o.cluster_nodes : o.sentinels;
    const int default_port = o.mode == RedisMode::kCluster ? 6379 : 26379;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view one = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      auto a = redis::parse_address(one, default_port);
      if (!a) return bad("Redis URI: " + a.error().message);
      const bool v6 = a->first.find(':') != std::string::npos;
      list.push_back((v6 ? "[" + a->first + "]" : a->first) + ":" + std::to_string(a->second));
    }
  }
  if (o.mode == RedisMode::kSentinel) {
    const auto slash = path.find('/');
    auto name = decode(path.substr(0, slash));
    if (!name || name->empty()) {
      return bad("Redis URI: redis+sentinel:// needs the master name as its path");
    }
    o.master_name = std::move(*name);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  if (!path.empty()) {
    const auto db = number<int>(path);
    if (!db) return bad("Redis URI: database '" + std::string(path) + "' is not a number");
    o.database = *db;
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string key(pair.substr(0, eq));
    auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return bad("Redis URI: malformed percent-escape in option " + key);
    auto ms = [&](std::chrono::milliseconds& out) -> Result<void> {
      const auto n = number<std::int64_t>(*value);
      if (!n) return bad("Redis URI: option " + key + " must be a number of milliseconds");
      out = std::chrono::milliseconds(*n);
      return {};
    };
    Result<void> r;
    if (key == "key_prefix") {
      o.key_prefix = *value;
    } else if (key == "connect_timeout_ms") {
      r = ms(o.connect_timeout);
    } else if (key == "command_timeout_ms") {
      r = ms(o.command_timeout);
    } else if (key == "pool_wait_timeout_ms") {
      r = ms(o.pool.wait_timeout);
    } else if (key == "pool_size") {
      const auto n = number<std::size_t>(*value);
      if (!n) return bad("Redis URI: option pool_size must be a number");
      o.pool.size = *n;
    } else if (key == "sentinel_password" && o.mode == RedisMode::kSentinel) {
      o.sentinel_password = *value;
    } else if (key == "sentinel_username" && o.mode == RedisMode::kSentinel) {
      o.sentinel_username = *value;
    } else if (key == "pipelined_reads") {
      const auto n = number<std::size_t>(*value);
      if (!n) return bad("Redis URI: option pipelined_reads must be a number");
      o.pool.pipelined_reads = *n;
    } else {
      return bad("Redis URI: unknown option '" + key + "'");
    }
    if (!r) return std::move(r).error();
  }
  if (auto v = redis::validate(o); !v) return std::move(v).error();
  return o;
}

namespace redis {

Result<std::pair<std::string, int>> parse_address(std::string_view text, int default_port) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in '" + std::string(text) + "'");
    host = std::string(text.substr(1, close - 1));
    const std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return bad("expected ':port' after ']' in '" + std::string(text) + "'");
      port_text = after.substr(1);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    host = std::string(text);
  }
  if (host.empty()) return bad("the host is empty in '" + std::string(text) + "'");
  int port = default_port;
  if (!port_text.empty()) {
    const auto p = number<int>(port_text);
    if (!p) return bad("port '" + std::string(port_text) + "' is not a number");
    port = *p;
  }
  if (port < 1 || port > 65535) {
    return bad("port " + std::to_string(port) + " is not between 1 and 65535");
  }
  return std::pair<std::string, int>(std::move(host), port);
}

Result<void> validate(const RedisOptions& o) {
  switch (o.mode) {
    case RedisMode::kStandalone:
      if (o.host.empty()) return bad("RedisOptions.host is empty");
      if (o.port < 1 || o.port > 65535) {
        return bad("RedisOptions.port " + std::to_string(o.port) + " is not between 1 and 65535");
      }
      break;
    case RedisMode::kCluster:
      if (o.cluster_nodes.empty()) return bad("RedisOptions.cluster_nodes is empty (cluster mode)");
      for (const auto& n : o.cluster_nodes) {
        if (auto a = parse_address(n, 6379); !a) {
          return bad("RedisOptions.cluster_nodes: " + a.error().message);
        }
      }
      if (o.database != 0) {
        return bad("RedisOptions.database must be 0 in cluster mode (Redis Cluster has one)");
      }
      break;
    case RedisMode::kSentinel:
      if (o.sentinels.empty()) return bad("RedisOptions.sentinels is empty (sentinel mode)");
      for (const auto& n : o.sentinels) {
        if (auto a = parse_address(n, 26379); !a) {
          return bad("RedisOptions.sentinels: " + a.error().message);
        }
      }
      if (o.master_name.empty()) return bad("RedisOptions.master_name is empty (sentinel mode)");
      break;
    default:
      return bad("RedisOptions.mode is not standalone, cluster or sentinel");
  }
  if (o.database < 0) {
    return bad("RedisOptions.database " + std::to_string(o.database) + " is negative");
  }
  if (o.key_prefix.size() > 200) return bad("RedisOptions.key_prefix is longer than 200 bytes");
  if (o.key_prefix.find_first_of("{}") != std::string::npos) {
    return bad("RedisOptions.key_prefix must not contain '{' or '}' (used as hash tags)");
  }
  if (o.connect_timeout.count() <= 0) return bad("RedisOptions.connect_timeout must be > 0");
  if (o.command_timeout.count() <= 0) return bad("RedisOptions.command_timeout must be > 0");
  if (o.pool.size < 1 || o.pool.size > 1024) {
    return bad("RedisOptions.pool.size " + std::to_string(o.pool.size) +
               " is not between 1 and 1024");
  }
  if (o.pool.pipelined_reads > 64) {
    return bad("RedisOptions.pool.pipelined_reads " + std::to_string(o.pool.pipelined_reads) +
               " is more than 64");
  }
  if (o.pool.wait_timeout.count() < 0) return bad("RedisOptions.pool.wait_timeout must be >= 0");
  return {};
}

}  // namespace redis
}  // namespace sessionpp
