#include "config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace sessiond {
namespace {

using sessionpp::Errc;
using sessionpp::make_error;

// Thrown inside this file only, caught by parse_config: it keeps every reader one line.
struct ConfigError {
  std::string key;
  std::string message;
};

// One TOML table being read: remembers which keys were read so unknown ones (typos) are refused.
class Section {
 public:
  Section(const toml::table* table, std::string path) : table_(table), path_(std::move(path)) {}

  std::string key(std::string_view k) const {
    return path_.empty() ? std::string(k) : path_ + "." + std::string(k);
  }
  [[noreturn]] void fail(std::string_view k, std::string message) const {
    throw ConfigError{key(k), std::move(message)};
  }

  void str(std::string_view k, std::string& out) {
    if (const toml::node* n = take(k)) {
      if (!n->is_string()) fail(k, "must be a string");
      out = n->as_string()->get();
    }
  }
  void integer(std::string_view k, std::int64_t& out, std::int64_t min, std::int64_t max) {
    if (const toml::node* n = take(k)) {
      if (!n->is_integer()) fail(k, "must be an integer");
      const std::int64_t v = n->as_integer()->get();
      if (v < min || v > max) {
        fail(k, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", not " + std::to_string(v));
      }
      out = v;
    }
  }
  void size(std::string_view k, std::size_t& out, std::int64_t min, std::int64_t max) {
    std::int64_t v = static_cast<std::int64_t>(out);
    integer(k, v, min, max);
    out = static_cast<std::size_t>(v);
  }
  void boolean(std::string_view k, bool& out) {
    if (const toml::node* n = take(k)) {
      if (!n->is_boolean()) fail(k, "must be true or false");
      out = n->as_boolean()->get();
    }
  }
  // A duration: "30m", "10s", "250ms", or an integer number of seconds.
  void duration(std::string_view k, Duration& out, bool allow_negative = false) {
    const toml::node* n = take(k);
    if (n == nullptr) return;
    std::optional<Duration> d;
    if (n->is_integer()) {
      d = std::chrono::seconds(n->as_integer()->get());
    } else if (n->is_string()) {
      d = parse_duration(n->as_string()->get());
    }
    if (!d) fail(k, "must be a duration such as \"30m\", \"10s\" or \"250ms\"");
    if (d->count() < 0 && !allow_negative) fail(k, "must not be negative");
    out = *d;
  }
  void strings(std::string_view k, std::vector<std::string>& out) {
    const toml::node* n = take(k);
    if (n == nullptr) return;
    if (!n->is_array()) fail(k, "must be an array of strings");
    out.clear();
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) fail(k, "must be an array of strings");
      out.push_back(e.as_string()->get());
    }
  }
  // KEY, KEY_env or KEY_file: at most one of them.
  void secret(Secret& out, const std::string& k = "password") {
    str(k, out.value);
    str(k + "_env", out.env);
    str(k + "_file", out.file);
    const int given = !out.value.empty() + !out.env.empty() + !out.file.empty();
    if (given > 1) fail(k, "give only one of " + k + ", " + k + "_env, " + k + "_file");
  }
  Section sub(std::string_view k) {
    const toml::node* n = take(k);
    if (n == nullptr) return Section(nullptr, key(k));
    if (!n->is_table()) fail(k, "must be a table");
    return Section(n->as_table(), key(k));
  }
  const toml::node* raw(std::string_view k) { return take(k); }

  // Refuses keys nobody read: a typo must not silently fall back to a default.
  void finish() const {
    if (table_ == nullptr) return;
    for (auto&& [k, v] : *table_) {
      if (!seen_.contains(std::string(k.str()))) fail(k.str(), "unknown setting");
    }
  }

 private:
  const toml::node* take(std::string_view k) {
    seen_.emplace(k);
    return table_ == nullptr ? nullptr : table_->get(k);
  }

  const toml::table* table_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

void read_server(Section s, ServerConfig& c) {
  s.str("listen", c.listen);
  if (auto r = parse_listen(c.listen, s.key("listen")); !r) s.fail("listen", "must be HOST:PORT");
  s.str("node_name", c.node_name);
  s.integer("io_threads", c.io_threads, 1, 64);
  s.integer("worker_threads", c.worker_threads, 1, 256);
  s.size("max_header_bytes", c.max_header_bytes, 1024, 1024 * 1024);
  s.size("max_body_bytes", c.max_body_bytes, 0, 64 * 1024 * 1024);
  s.duration("read_timeout", c.read_timeout);
  s.duration("write_timeout", c.write_timeout);
  s.duration("keep_alive_timeout", c.keep_alive_timeout);
  s.duration("shutdown_timeout", c.shutdown_timeout);
  for (auto [k, d] :
       {std::pair{"read_timeout", c.read_timeout}, std::pair{"write_timeout", c.write_timeout},
        std::pair{"keep_alive_timeout", c.keep_alive_timeout}}) {
    if (d.count() <= 0) s.fail(k, "must be positive");
  }
  s.finish();
}

void read_persistence(Section s, PersistenceConfig& c) {
  s.str("type", c.type);
  if (!is_persistence_type(c.type)) {
    std::string known;
    for (auto t : persistence_types()) known += (known.empty() ? "" : ", ") + std::string(t);
    s.fail("type", "unknown type '" + c.type + "' (one of: " + known + ")");
  }
  {
    Section r = s.sub("redis");
    RedisPersistence& o = c.redis;
    r.str("host", o.host);
    r.integer("port", o.port, 1, 65535);
    r.str("username", o.username);
    r.secret(o.password);
    r.integer("database", o.database, 0, 1 << 20);
    r.str("key_prefix", o.key_prefix);
    r.duration("connect_timeout", o.connect_timeout);
    r.duration("command_timeout", o.command_timeout);
    r.integer("pool_size", o.pool_size, 1, 1024);
    r.integer("pipelined_reads", o.pipelined_reads, 0, 64);
    r.str("mode", o.mode);
    if (o.mode != "standalone" && o.mode != "cluster" && o.mode != "sentinel") {
      r.fail("mode", "must be \"standalone\", \"cluster\" or \"sentinel\", not '" + o.mode + "'");
    }
    r.strings("cluster_nodes", o.cluster_nodes);
    r.strings("sentinels", o.sentinels);
    r.str("master_name", o.master_name);
    r.secret(o.sentinel_password, "sentinel_password");
    r.finish();
  }
  {
    Section j = s.sub("jdbc");
    j.str("database", c.jdbc.database);
    j.str("table_prefix", c.jdbc.table_prefix);
    j.finish();
  }
  {
    Section m = s.sub("mongodb");
    MongoPersistence& o = c.mongodb;
    m.str("uri", o.uri);
    m.str("host", o.host);
    m.integer("port", o.port, 1, 65535);
    m.str("database", o.database);
    m.str("username", o.username);
    m.secret(o.password);
    m.str("auth_source", o.auth_source);
    m.str("collection", o.collection);
    m.duration("timeout", o.timeout);
    m.finish();
  }
  s.finish();
}

void read_security(Section s, SecurityConfig& c) {
  s.boolean("authentication", c.authentication);
  s.duration("session_timeout", c.session_timeout, /*allow_negative=*/true);
  s.integer("max_sessions_per_user", c.max_sessions_per_user, -1, 1'000'000);
  if (c.max_sessions_per_user == 0) s.fail("max_sessions_per_user", "must be -1 or at least 1");
  s.duration("purge_interval", c.purge_interval);
  if (c.purge_interval.count() < 0) s.fail("purge_interval", "must be 0 (off) or positive");
  s.integer("purge_batch", c.purge_batch, 1, 100'000);
  c.http.max_sessions_per_principal = c.max_sessions_per_user;

  if (const toml::node* users = s.raw("users")) {
    if (!users->is_array()) s.fail("users", "must be an array of tables ([[security.users]])");
    std::size_t i = 0;
    for (const toml::node& e : *users->as_array()) {
      const std::string path = s.key("users") + "[" + std::to_string(i++) + "]";
      if (!e.is_table()) throw ConfigError{path, "must be a table"};
      Section u(e.as_table(), path);
      UserConfig user;
      u.str("username", user.username);
      u.str("password_hash", user.password_hash);
      u.strings("roles", user.roles);
      u.finish();
      if (user.username.empty()) u.fail("username", "is required");
      if (user.username.size() > 200) u.fail("username", "is longer than 200 bytes");
      if (!user.password_hash.starts_with("$argon2")) {
        u.fail("password_hash", "must be an argon2 hash from `sessionctl hash-password`");
      }
      for (const auto& other : c.users) {
        if (other.username == user.username) u.fail("username", "'" + user.username + "' twice");
      }
      c.users.push_back(std::move(user));
    }
  }

  {
    Section k = s.sub("cookie");
    sessionpp::http::CookieOptions& o = c.http.cookie;
    k.str("name", o.name);
    k.str("path", o.path);
    k.str("domain", o.domain);
    std::string secure(to_string(o.secure));
    k.str("secure", secure);
    auto sm = sessionpp::http::parse_secure_mode(secure);
    if (!sm) k.fail("secure", "must be auto, always or never, not '" + secure + "'");
    o.secure = *sm;
    std::string same_site(to_string(o.same_site));
    k.str("same_site", same_site);
    auto ss = sessionpp::http::parse_same_site(same_site);
    if (!ss) k.fail("same_site", "must be Lax, Strict or None, not '" + same_site + "'");
    o.same_site = *ss;
    Duration remember = c.http.remember_me;
    k.duration("remember_me", remember);
    if (remember.count() < 1000) k.fail("remember_me", "must be at least 1s");
    c.http.remember_me = std::chrono::duration_cast<std::chrono::seconds>(remember);
    k.boolean("trust_forwarded_proto", c.http.trust_forwarded_proto);
    k.finish();
    if (auto r = sessionpp::http::validate(o); !r) {
      // The message names the field as "cookie.X": report it under its full key.
      const std::string& m = r.error().message;
      const std::string field = m.substr(0, m.find(' ')).substr(std::string("cookie.").size());
      k.fail(field, m.substr(m.find(' ') + 1));
    }
  }
  {
    Section h = s.sub("session_header");
    h.boolean("enabled", c.http.header.enabled);
    h.str("name", c.http.header.name);
    h.finish();
    if (auto r = sessionpp::http::SessionManager::validate(c.http); !r) {
      h.fail("name", r.error().message);
    }
  }
  {
    Section t = s.sub("login_throttle");
    t.integer("max_failures", c.login_throttle.max_failures, 1, 1'000'000);
    t.duration("window", c.login_throttle.window);
    t.finish();
  }
  read_persistence(s.sub("session_persistence"), c.persistence);
  s.finish();
}

void read_databases(Section s, const toml::table* table, std::vector<DatabaseConfig>& out) {
  if (table == nullptr) return;
  for (auto&& [name, node] : *table) {
    Section d = s.sub(name.str());
    DatabaseConfig db;
    db.name = std::string(name.str());
    d.str("url", db.url);
    d.secret(db.password);
    d.finish();
    if (db.url.empty()) d.fail("url", "is required");
    const std::string_view url = db.url;
    if (!url.starts_with("postgresql://") && !url.starts_with("postgres://") &&
        !url.starts_with("mysql://") && !url.starts_with("mariadb://") &&
        !url.starts_with("sqlite://")) {
      d.fail("url", "must start with postgresql://, mysql://, mariadb:// or sqlite://");
    }
    out.push_back(std::move(db));
  }
  s.finish();
}

}  // namespace

std::int64_t default_worker_threads() noexcept {
  const auto cores = static_cast<std::int64_t>(std::thread::hardware_concurrency());
  return std::clamp<std::int64_t>(4 * cores, 4, 64);
}

Result<ListenAddress> parse_listen(std::string_view text, std::string_view key) {
  auto bad = [&] {
    return make_error(Errc::kInvalidArgument,
                      std::string(key) + ": must be HOST:PORT, not '" + std::string(text) + "'");
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") return bad();
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad();
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (host.empty() || port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value > 65535) {
    return bad();
  }
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t n = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || end == first) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(last - end));
  using namespace std::chrono;
  if (unit == "ms") return Duration(n);
  if (unit == "s" || unit.empty()) return duration_cast<Duration>(seconds(n));
  if (unit == "m") return duration_cast<Duration>(minutes(n));
  if (unit == "h") return duration_cast<Duration>(hours(n));
  if (unit == "d") return duration_cast<Duration>(hours(24 * n));
  return std::nullopt;
}

Result<Config> parse_config(std::string_view text, std::string_view source) {
  Config c;
  c.source = std::string(source);
  try {
    toml::table root = toml::parse(text, source);
    Section top(&root, "");
    read_server(top.sub("server"), c.server);
    read_security(top.sub("security"), c.security);
    const toml::node* dbs = top.raw("databases");
    if (dbs != nullptr && !dbs->is_table()) top.fail("databases", "must be a table");
    read_databases(Section(dbs ? dbs->as_table() : nullptr, "databases"),
                   dbs ? dbs->as_table() : nullptr, c.databases);
    top.finish();
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << source << ":" << e.source().begin.line << ":" << e.source().begin.column
      << ": invalid TOML: " << e.description();
    return make_error(Errc::kInvalidArgument, m.str());
  } catch (const ConfigError& e) {
    return make_error(Errc::kInvalidArgument,
                      std::string(source) + ": " + e.key + ": " + e.message);
  }
  if (auto r = validate(c); !r) {
    return make_error(Errc::kInvalidArgument, std::string(source) + ": " + r.error().message);
  }
  return c;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::kInvalidArgument, path + ": cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

Result<void> validate(const Config& c) {
  if (auto r = parse_listen(c.server.listen); !r) return std::move(r).error();
  if (auto r = sessionpp::http::SessionManager::validate(c.security.http); !r) {
    return make_error(Errc::kInvalidArgument, "security." + r.error().message);
  }
  const PersistenceConfig& p = c.security.persistence;
  if (p.type == "jdbc") {
    if (p.jdbc.database.empty()) {
      return make_error(Errc::kInvalidArgument,
                        "security.session_persistence.jdbc.database: is required for type jdbc");
    }
    auto db =
        find_database(c.databases, p.jdbc.database, "security.session_persistence.jdbc.database");
    if (!db) return std::move(db).error();
  }
  return {};
}

}  // namespace sessiond
