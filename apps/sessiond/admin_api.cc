#include "admin_api.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config_writer.h"
#include "log.h"
#include "pages.h"

namespace sessiond {
namespace {

namespace json = boost::json;
using sessionpp::Errc;
using sessionpp::Error;
using sessionpp::Session;

constexpr std::string_view kSessionsPrefix = "/api/admin/sessions/";
constexpr std::string_view kUsersPrefix = "/api/admin/users/";
constexpr std::string_view kPersistence = "security.session_persistence";

Response json_response(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json::serialize(v);
  r.body.push_back('\n');
  r.add_header("Cache-Control", "no-store");
  return r;
}

Response json_error(int status, std::string_view message, std::string_view field = {}) {
  json::object o;
  o["error"] = message;
  if (!field.empty()) {
    o["field"] = field;
    o["errors"] = json::object{{field, message}};
  }
  return json_response(status, o);
}

Response store_error(const Error& e) {
  log_error("admin: session store: " + e.to_string());
  Response r =
      json_error(is_transient(e.code) ? 503 : 500,
                 "session store: " + std::string(sessionpp::to_string(e.code)) + ": " + e.message);
  if (is_transient(e.code)) r.add_header("Retry-After", "5");
  return r;
}

std::string random_token() {
  unsigned char bytes[24];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string duration_text(Duration d) {
  using namespace std::chrono;
  const auto ms = d.count();
  if (ms < 0) return "-1";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string database_kind(std::string_view url) {
  const std::size_t colon = url.find(':');
  std::string kind(url.substr(0, colon));
  if (kind == "postgres") kind = "postgresql";
  return kind;
}

json::object security_json(const App& app, const Config& c) {
  const SecurityConfig& s = c.security;
  const PersistenceConfig& p = s.persistence;
  json::object o;
  o["authentication"] = s.authentication;
  o["session_timeout"] = duration_text(s.session_timeout);
  o["max_sessions_per_user"] = s.max_sessions_per_user;
  json::object per;
  per["type"] = p.type;
  json::array cluster_nodes(p.redis.cluster_nodes.begin(), p.redis.cluster_nodes.end());
  json::array sentinels(p.redis.sentinels.begin(), p.redis.sentinels.end());
  per["redis"] = json::object{{"mode", p.redis.mode},
                              {"host", p.redis.host},
                              {"port", p.redis.port},
                              {"database", p.redis.database},
                              {"key_prefix", p.redis.key_prefix},
                              {"password_set", !p.redis.password.empty()},
                              {"cluster_nodes", std::move(cluster_nodes)},
                              {"sentinels", std::move(sentinels)},
                              {"master_name", p.redis.master_name},
                              {"sentinel_password_set", !p.redis.sentinel_password.empty()}};
  per["jdbc"] = json::object{{"database", p.jdbc.database}, {"table_prefix", p.jdbc.table_prefix}};
  per["mongodb"] = json::object{{"host", p.mongodb.host},
                                {"port", p.mongodb.port},
                                {"database", p.mongodb.database},
                                {"username", p.mongodb.username},
                                {"password_set", !p.mongodb.password.empty()}};
  o["persistence"] = std::move(per);
  json::array dbs;
  for (const auto& d : c.databases) {
    dbs.push_back(json::object{{"name", d.name}, {"kind", database_kind(d.url)}});
  }
  o["databases"] = std::move(dbs);
  json::array types;
  for (auto t : persistence_types()) types.emplace_back(t);
  o["types"] = std::move(types);
  o["config_file"] = app.config.source;
  o["node"] = app.node_name;
  return o;
}

// Reads the console's form (a JSON object) into an edit of the TOML file; collects an error per
// field instead of stopping at the first.
class FormReader {
 public:
  FormReader(const json::object& body, const Config& current) : body_(body), current_(current) {}

  std::map<std::string, std::string> errors;
  ConfigEdit edit;

  void read() {
    if (const json::value* v = body_.if_contains("authentication")) {
      if (!v->is_bool()) {
        errors["authentication"] = "must be true or false";
      } else {
        set("security.authentication", v->as_bool());
      }
    }
    if (const json::value* v = body_.if_contains("session_timeout")) {
      const std::string text = scalar_text(*v);
      auto d = parse_duration(text);
      if (!d || (d->count() < 0 && text != "-1") || d->count() == 0) {
        errors["session_timeout"] =
            "must be a duration such as \"30m\", \"10s\" or \"2h\", or -1 for never";
      } else {
        set("security.session_timeout", text);
      }
    }
    if (const json::value* v = body_.if_contains("max_sessions_per_user")) {
      auto n = integer(*v);
      if (!n || *n < -1 || *n == 0 || *n > 1'000'000) {
        errors["max_sessions_per_user"] = "must be -1 (unlimited) or between 1 and 1000000";
      } else {
        set("security.max_sessions_per_user", *n);
      }
    }
    const json::value* pv = body_.if_contains("persistence");
    if (pv == nullptr) return;
    if (!pv->is_object()) {
      errors["persistence"] = "must be an object";
      return;
    }
    const json::object& p = pv->as_object();
    const json::value* tv = p.if_contains("type");
    const std::string type = tv && tv->is_string() ? std::string(tv->as_string()) : "";
    if (!is_persistence_type(type)) {
      errors["type"] = "must be one of in-memory, redis, jdbc, mongodb";
      return;
    }
    set(std::string(kPersistence) + ".type", type);
    const json::object* fields = nullptr;
    if (const json::value* f = p.if_contains(type == "in-memory" ? "memory" : type)) {
      fields = f->if_object();
    }
    static const json::object kEmpty;
    const json::object& f = fields ? *fields : kEmpty;
    const std::string base = std::string(kPersistence) + "." + type + ".";
    if (type == "redis") {
      redis(f, base);
    } else if (type == "jdbc") {
      const json::value* v = f.if_contains("database");
      const std::string name = v && v->is_string() ? std::string(v->as_string()) : "";
      bool known = false;
      for (const auto& d : current_.databases) known = known || d.name == name;
      if (name.empty()) {
        errors["jdbc.database"] = "choose one of the configured databases";
      } else if (!known) {
        errors["jdbc.database"] = "no database '" + name + "' in [databases]";
      } else {
        set(base + "database", name);
      }
    } else if (type == "mongodb") {
      host(f, "mongodb", base);
      port(f, "mongodb", base);
      if (const json::value* v = f.if_contains("database")) {
        const std::string name = v->is_string() ? std::string(v->as_string()) : "";
        if (auto problem = mongo_name_problem(name)) {
          errors["mongodb.database"] = *problem;
        } else {
          set(base + "database", name);
        }
      }
      if (const json::value* v = f.if_contains("username")) {
        if (!v->is_string() || v->as_string().size() > 200) {
          errors["mongodb.username"] = "must be a string of at most 200 bytes";
        } else {
          set(base + "username", std::string(v->as_string()));
        }
      }
      password(f, "mongodb", base);
    }
  }

 private:
  // [security.session_persistence.redis]: the fields of the chosen mode only. Keys of the other
  // modes are removed from the file (their secrets are kept); host and port stay as they were
  // in cluster and sentinel mode, where they are not used.
  void redis(const json::object& f, const std::string& base) {
    std::string mode = "standalone";  // a form without a mode is the standalone form
    if (const json::value* v = f.if_contains("mode"); v != nullptr && !v->is_null()) {
      mode = v->is_string() ? std::string(v->as_string()) : "";
      if (mode != "standalone" && mode != "cluster" && mode != "sentinel") {
        errors["redis.mode"] = "must be standalone, cluster or sentinel";
        return;
      }
    }
    set(base + "mode", mode);
    if (mode == "standalone") {
      host(f, "redis", base);
      port(f, "redis", base);
    }
    if (mode == "cluster") {
      // Redis Cluster has one database: 0.
      if (const json::value* v = f.if_contains("database")) {
        auto n = integer(*v);
        if (!n || *n != 0) errors["redis.database"] = "must be 0 in cluster mode";
      }
      edit.erase.push_back(base + "database");
      if (auto nodes = endpoints(f, "cluster_nodes")) {
        edit.set_lists.emplace_back(base + "cluster_nodes", std::move(*nodes));
      }
    } else {
      if (const json::value* v = f.if_contains("database")) {
        auto n = integer(*v);
        if (!n || *n < 0 || *n > (1 << 20)) {
          errors["redis.database"] = "must be a database index, 0 or more (0 by default)";
        } else {
          set(base + "database", *n);
        }
      }
      edit.erase.push_back(base + "cluster_nodes");
    }
    if (mode == "sentinel") {
      if (auto list = endpoints(f, "sentinels")) {
        edit.set_lists.emplace_back(base + "sentinels", std::move(*list));
      }
      const json::value* v = f.if_contains("master_name");
      const std::string name = v && v->is_string() ? std::string(v->as_string()) : "";
      bool ok = name.size() <= kMaxNameBytes;
      for (char c : name) ok = ok && static_cast<unsigned char>(c) > ' ' && c != 0x7f;
      if (name.empty()) {
        errors["redis.master_name"] = "is required in sentinel mode";
      } else if (!ok) {
        errors["redis.master_name"] = "must be at most " + std::to_string(kMaxNameBytes) +
                                      " bytes without spaces or control characters";
      } else {
        set(base + "master_name", name);
      }
      password(f, "redis", base, "sentinel_password");
    } else {
      edit.erase.push_back(base + "sentinels");
      edit.erase.push_back(base + "master_name");
    }
    password(f, "redis", base);
  }

  // A list of "HOST:PORT" ("[V6]:PORT"): a JSON array of strings, or one string with the
  // entries separated by newlines or commas. Blank entries are dropped.
  std::optional<std::vector<std::string>> endpoints(const json::object& f, const std::string& key) {
    const std::string field = "redis." + key;
    std::vector<std::string> raw;
    const json::value* v = f.if_contains(key);
    if (v != nullptr && v->is_string()) {
      std::string_view text = v->as_string();
      while (!text.empty()) {
        const std::size_t end = text.find_first_of(",\n");
        raw.emplace_back(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
      }
    } else if (v != nullptr && v->is_array()) {
      for (const json::value& e : v->as_array()) {
        if (!e.is_string()) {
          errors[field] = "must be a list of HOST:PORT strings";
          return std::nullopt;
        }
        raw.emplace_back(e.as_string());
      }
    } else if (v != nullptr && !v->is_null()) {
      errors[field] = "must be a list of HOST:PORT strings";
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (std::string& e : raw) {
      const std::size_t first = e.find_first_not_of(" \t\r\n");
      if (first == std::string::npos) continue;
      e = e.substr(first, e.find_last_not_of(" \t\r\n") - first + 1);
      if (auto problem = redis_endpoint_problem(e)) {
        errors[field] = "'" + (e.size() > 80 ? e.substr(0, 80) + "..." : e) + "' " + *problem;
        return std::nullopt;
      }
      for (const std::string& seen : out) {
        if (seen == e) {
          errors[field] = "'" + e + "' is listed twice";
          return std::nullopt;
        }
      }
      out.push_back(std::move(e));
    }
    if (out.empty()) {
      errors[field] = "needs at least one HOST:PORT";
      return std::nullopt;
    }
    if (out.size() > kMaxEndpoints) {
      errors[field] = "must list at most " + std::to_string(kMaxEndpoints) + " entries, not " +
                      std::to_string(out.size());
      return std::nullopt;
    }
    return out;
  }
  static constexpr std::size_t kMaxEndpoints = 64;
  static constexpr std::size_t kMaxNameBytes = 200;
  static constexpr std::size_t kMaxPasswordBytes = 1024;

  template <typename T>
  void set(std::string key, T value) {
    edit.set.emplace_back(std::move(key), TomlValue(std::move(value)));
  }
  static std::string scalar_text(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_int64()) return std::to_string(v.as_int64());
    return {};
  }
  static std::optional<std::int64_t> integer(const json::value& v) {
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() < (1ull << 62))
      return static_cast<std::int64_t>(v.as_uint64());
    if (!v.is_string()) return std::nullopt;
    const std::string_view s = v.as_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return n;
  }
  void host(const json::object& f, const std::string& type, const std::string& base) {
    const json::value* v = f.if_contains("host");
    const std::string h = v && v->is_string() ? std::string(v->as_string()) : "";
    if (h.empty()) {
      errors[type + ".host"] = "is required";
      return;
    }
    bool ok = h.size() <= 253;
    for (char c : h) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
                  c == ':' || c == '[' || c == ']');
    }
    if (!ok) {
      errors[type + ".host"] = "must be a host name or IP address (letters, digits, '.', '-', ':')";
      return;
    }
    set(base + "host", h);
  }
  void port(const json::object& f, const std::string& type, const std::string& base) {
    const json::value* v = f.if_contains("port");
    auto n = v ? integer(*v) : std::nullopt;
    if (!n || *n < 1 || *n > 65535) {
      errors[type + ".port"] = "must be a port number between 1 and 65535";
      return;
    }
    set(base + "port", *n);
  }
  // `key` ("password", "sentinel_password"): empty or absent keeps the stored secret (whether
  // it was given as KEY, KEY_env or KEY_file); a new one is written as KEY and replaces the others.
  void password(const json::object& f, const std::string& type, const std::string& base,
                const std::string& key = "password") {
    const json::value* v = f.if_contains(key);
    if (v == nullptr || v->is_null()) return;
    if (!v->is_string() || v->as_string().size() > kMaxPasswordBytes) {
      errors[type + "." + key] =
          "must be a string of at most " + std::to_string(kMaxPasswordBytes) + " bytes";
      return;
    }
    if (v->as_string().empty()) return;  // empty: keep the stored one
    set(base + key, std::string(v->as_string()));
    edit.erase.push_back(base + key + "_env");
    edit.erase.push_back(base + key + "_file");
  }
  static std::optional<std::string> mongo_name_problem(const std::string& name) {
    if (name.empty()) return "is required";
    if (name.size() > 63) return "must be at most 63 bytes";
    if (name.find_first_of("/\\. \"$*<>:|?") != std::string::npos ||
        name.find('\0') != std::string::npos) {
      return "must not contain / \\ . space \" $ * < > : | ?";
    }
    return std::nullopt;
  }

  const json::object& body_;
  const Config& current_;
};

Response validation_failed(const std::map<std::string, std::string>& errors) {
  json::object o;
  json::object e;
  for (const auto& [k, v] : errors) e[k] = v;
  const auto& first = *errors.begin();
  // One line for a banner; every field's message is in "errors".
  std::string line = first.first + ": " + first.second;
  if (errors.size() > 1) {
    line += " (and " + std::to_string(errors.size() - 1) +
            (errors.size() == 2 ? " more field)" : " more fields)");
  }
  o["error"] = line;
  o["field"] = first.first;
  o["errors"] = std::move(e);
  return json_response(400, o);
}

// The field a config error message "SOURCE: security.session_persistence.redis.port: ..." names.
std::string field_of(const std::string& message) {
  for (std::string_view prefix : {"security.session_persistence.", "security."}) {
    const std::size_t at = message.find(prefix);
    if (at == std::string::npos) continue;
    const std::size_t start = at + prefix.size();
    const std::size_t end = message.find(':', start);
    return message.substr(start, end == std::string::npos ? end : end - start);
  }
  return "config";
}

class Admin {
 public:
  Admin(const AdminRequest& r) : r_(r), rs_(r.live.sessions->begin(r.request)) {}

  std::string_view run(Response& out) {
    std::string_view route = "/api/admin/*";
    const std::string_view path = r_.path;
    if (path == "/api/admin/security") {
      route = "/api/admin/security";
    } else if (path == "/api/admin/security/test") {
      route = "/api/admin/security/test";
    } else if (path == "/api/admin/sessions") {
      route = "/api/admin/sessions";
    } else if (path.starts_with(kSessionsPrefix)) {
      route = "/api/admin/sessions/{handle}";
    } else if (path.starts_with(kUsersPrefix) && path.ends_with("/sessions")) {
      route = "/api/admin/users/{name}/sessions";
    } else {
      out = json_error(404, "no such resource");
      return route;
    }
    out = dispatch(route);
    // Saves the admin's session (new CSRF token, last access) and adds its cookie headers.
    if (signed_in_) {
      Response headers;
      if (auto c = rs_.commit(headers); !c && c.error().code != Errc::kGone) {
        log_error("admin: saving the admin's session: " + c.error().to_string());
      }
      for (auto& h : headers.headers) out.headers.push_back(std::move(h));
    }
    return route;
  }

 private:
  Response dispatch(std::string_view route) {
    const std::string_view m = r_.method;
    auto allow = [&](std::string_view methods) {
      Response r = json_error(405, "method not allowed");
      r.add_header("Allow", methods);
      return r;
    };
    if (route == "/api/admin/security" && m != "GET" && m != "PUT") return allow("GET, PUT");
    if (route == "/api/admin/security/test" && m != "POST") return allow("POST");
    if (route == "/api/admin/sessions" && m != "GET") return allow("GET");
    if ((route == "/api/admin/sessions/{handle}" || route == "/api/admin/users/{name}/sessions") &&
        m != "DELETE") {
      return allow("DELETE");
    }
    if (!r_.live.config.security.authentication) {
      return json_error(404, "authentication is off: the console needs it (use sessionctl)");
    }
    if (auto denied = authorize()) return std::move(*denied);
    if (m != "GET") {
      const std::string* token = session_->attribute(kCsrfAttribute);
      const auto sent = r_.request.header(kCsrfHeader);
      if (token == nullptr || !sent || sent->size() != token->size() ||
          sodium_memcmp(sent->data(), token->data(), token->size()) != 0) {
        return json_error(403, "missing or wrong CSRF token: send the X-CSRF-Token header",
                          "X-CSRF-Token");
      }
    }
    if (route == "/api/admin/security") return m == "GET" ? get_security() : put_security(true);
    if (route == "/api/admin/security/test") return put_security(false);
    if (route == "/api/admin/sessions") return list_sessions();
    if (route == "/api/admin/sessions/{handle}") return end_session();
    return end_user_sessions();
  }

  std::optional<Response> authorize() {
    auto s = rs_.current();
    if (!s) return store_error(s.error());
    if (*s == nullptr) return json_error(401, "not signed in");
    const UserConfig* user = r_.app.users->find((*s)->principal());
    if (user == nullptr) return json_error(401, "not signed in");
    bool admin = false;
    for (const auto& role : user->roles) admin = admin || role == "admin";
    if (!admin) return json_error(403, "the console needs the admin role");
    session_ = *s;
    signed_in_ = true;
    if (session_->attribute(kCsrfAttribute) == nullptr) {
      (void)session_->set_attribute(kCsrfAttribute, random_token());
    }
    return std::nullopt;
  }

  Response get_security() {
    json::object o = security_json(r_.app, r_.live.config);
    o["store_in_use"] = r_.live.repository->kind();
    o["csrf_token"] = *session_->attribute(kCsrfAttribute);
    o["user"] = session_->principal();
    return json_response(200, o);
  }

  // PUT (save = true) and POST .../test (save = false).
  Response put_security(bool save) {
    json::error_code ec;
    json::value v = json::parse(r_.body, ec);
    if (ec || !v.is_object()) return json_error(400, "body must be a JSON object", "body");
    FormReader form(v.as_object(), r_.live.config);
    form.read();
    if (!form.errors.empty()) return validation_failed(form.errors);

    const std::string& path = r_.app.config.source;
    std::string original;
    if (!path.empty()) {
      auto text = read_file(path);
      if (!text) return json_error(500, text.error().message);
      original = std::move(*text);
    }
    const std::string source = path.empty() ? "(built-in defaults)" : path;
    auto edited = apply_edit(original, source, form.edit);
    if (!edited) return json_error(400, edited.error().message, "config");
    auto next = parse_config(*edited, source);
    if (!next) return json_error(400, next.error().message, field_of(next.error().message));

    if (auto p = probe_store(*next); !p) {
      json::object o;
      o["ok"] = false;
      o["code"] = sessionpp::to_string(p.error().code);
      o["error"] = "connection test failed: " + p.error().message;
      o["saved"] = false;
      return json_response(422, o);
    }
    if (!save) {
      return json_response(200, json::object{{"ok", true},
                                             {"message",
                                              "connected, wrote and removed a probe "
                                              "session"}});
    }
    if (path.empty()) {
      return json_error(409, "sessiond was started without --config: there is no file to save to",
                        "config");
    }
    if (auto w = write_file_atomically(path, *edited); !w)
      return json_error(500, w.error().message);
    if (auto applied = reload_config(r_.app); !applied) {
      return json_error(500, "saved to " + path + " but not applied: " + applied.error().message);
    }
    log_info("console: " + session_->principal() + " saved [security] to " + path +
             " (store: " + next->security.persistence.type + ")");
    json::object o = security_json(r_.app, r_.app.live()->config);
    o["ok"] = true;
    o["saved"] = true;
    o["store_in_use"] = r_.app.live()->repository->kind();
    o["message"] =
        "Saved to " + path +
        " and applied to this node. Sessions in the previous store are not carried over (you "
        "will need to sign in again); other nodes take the change on restart or on SIGHUP.";
    return json_response(200, o);
  }

  std::vector<std::string> usernames() const {
    std::vector<std::string> names;
    for (const auto& u : r_.app.config.security.users) names.push_back(u.username);
    if (names.empty() && r_.app.users->find("admin") != nullptr) names.emplace_back("admin");
    return names;
  }

  Response list_sessions() {
    std::vector<std::string> users;
    const std::string_view target = r_.request.target();
    const std::size_t q = target.find('?');
    if (q != std::string_view::npos) {
      std::string_view query = target.substr(q + 1);
      while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.starts_with("user=")) {
          auto name = percent_decode(pair.substr(5), true);
          if (!name || name->empty() || name->size() > 200) {
            return json_error(400, "user: must be a user name of 1 to 200 bytes", "user");
          }
          users.push_back(std::move(*name));
        }
      }
    }
    if (users.empty()) users = usernames();
    auto& repo = *r_.live.repository;
    json::array out;
    for (const auto& user : users) {
      auto found = repo.find_by_principal(user);
      if (!found) return store_error(found.error());
      json::array list;
      for (const auto& s : *found) {
        json::object o;
        o["handle"] = s.handle;
        o["created_at"] = iso8601(s.created);
        o["last_accessed_at"] = iso8601(s.last_accessed);
        o["expires_at"] = s.expires_at ? json::value(iso8601(*s.expires_at)) : json::value(nullptr);
        std::string node;
        if (auto full = repo.find_by_handle(s.handle); full && *full) {
          if (const std::string* n = (*full)->attribute(kNodeAttribute)) node = *n;
        }
        o["node"] = node;
        o["current"] = s.handle == session_->handle();
        list.push_back(std::move(o));
      }
      out.push_back(json::object{{"user", user}, {"sessions", std::move(list)}});
    }
    return json_response(200, json::object{{"users", std::move(out)}});
  }

  Response end_session() {
    auto handle = percent_decode(r_.path.substr(kSessionsPrefix.size()));
    if (!handle || handle->empty() || handle->size() > 200) {
      return json_error(400, "handle: must be a session handle", "handle");
    }
    auto removed = r_.live.repository->remove_by_handle(*handle);
    if (!removed) return store_error(removed.error());
    if (!*removed) return json_error(404, "no session with that handle", "handle");
    log_info("console: " + session_->principal() + " ended a session");
    if (*handle == session_->handle()) signed_in_ = false;  // nothing left to save
    Response r;
    r.status = 204;
    return r;
  }

  Response end_user_sessions() {
    const std::string_view rest = r_.path.substr(kUsersPrefix.size());
    auto name = percent_decode(rest.substr(0, rest.size() - std::string_view("/sessions").size()));
    if (!name || name->empty() || name->size() > 200) {
      return json_error(400, "name: must be a user name of 1 to 200 bytes", "name");
    }
    auto removed = r_.live.repository->remove_by_principal(*name);
    if (!removed) return store_error(removed.error());
    if (*name == session_->principal()) signed_in_ = false;
    log_info("console: " + session_->principal() + " signed '" + *name + "' out everywhere (" +
             std::to_string(*removed) + " sessions)");
    return json_response(200, json::object{{"user", *name}, {"removed", *removed}});
  }

  const AdminRequest& r_;
  sessionpp::http::RequestSession rs_;
  Session* session_ = nullptr;
  bool signed_in_ = false;
};

}  // namespace

std::string_view handle_admin(const AdminRequest& request, Response& out) {
  return Admin(request).run(out);
}

std::optional<std::string> redis_endpoint_problem(const std::string& e) {
  constexpr std::size_t kMaxEndpointBytes = 261;  // "[" + 253 + "]:65535"
  constexpr std::string_view kForm =
      "must be HOST:PORT ([V6]:PORT for IPv6) with a port between 1 and 65535";
  if (e.size() > kMaxEndpointBytes) {
    return "is longer than " + std::to_string(kMaxEndpointBytes) + " bytes";
  }
  auto a = parse_listen(e);
  if (!a || a->port == 0) return std::string(kForm);
  // An unbracketed host with a colon is an IPv6 address without its brackets.
  if (!e.starts_with('[') && a->host.find(':') != std::string::npos) return std::string(kForm);
  for (char c : a->host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' &&
        c != ':') {
      return "must be HOST:PORT: the host has a character other than letters, digits, '.', '-', "
             "'_' (or ':' inside [ ])";
    }
  }
  return std::nullopt;
}

sessionpp::Result<void> probe_store(const Config& config) {
  auto repo = open_persistence(
      PersistenceContext{config.security.persistence, config.databases,
                         sessionpp::SessionPolicy{.max_inactive = std::chrono::minutes(1)}});
  if (!repo) return std::move(repo).error();
  Session probe = (*repo)->create();
  probe.set_principal("sessiond:connection-test");
  if (auto a = probe.set_attribute("probe", "1"); !a) return a;
  if (auto s = (*repo)->save(probe); !s) return s;
  auto removed = (*repo)->remove(probe);
  if (!removed) return std::move(removed).error();
  return {};
}

}  // namespace sessiond
