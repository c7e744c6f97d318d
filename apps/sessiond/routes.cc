#include "routes.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <map>
#include <thread>

#include "admin_api.h"
#include "console.h"
#include "log.h"
#include "pages.h"

namespace sessiond {
namespace {

namespace json = boost::json;
using sessionpp::Errc;
using sessionpp::Error;
using sessionpp::Session;
using sessionpp::http::RequestSession;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kHtml = "text/html; charset=utf-8";
// Test hook (SESSIOND_TEST_HOOKS=1 only): sleeps for the milliseconds `header` gives, at most
// 30 s. Lets tests hold a request at a chosen point, e.g. between its load and its save.
void delay_from_header(const sessionpp::http::Request& request, std::string_view header) {
  if (auto delay = request.header(header)) {
    unsigned ms = 0;
    std::from_chars(delay->data(), delay->data() + delay->size(), ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 30000u)));
  }
}

constexpr std::string_view kAttributesPrefix = "/api/session/attributes/";

Response json_response(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.content_type = std::string(kJson);
  r.body = json::serialize(v);
  r.body.push_back('\n');
  return r;
}

Response json_error(int status, std::string_view message, std::string_view field = {}) {
  json::object o;
  o["error"] = message;
  if (!field.empty()) o["field"] = field;
  return json_response(status, o);
}

Response html_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = std::string(kHtml);
  r.body = std::move(body);
  return r;
}

Response redirect(std::string_view location) {
  Response r;
  r.status = 303;
  r.add_header("Location", location);
  return r;
}

Response method_not_allowed(std::string_view allow) {
  Response r = json_error(405, "method not allowed");
  r.add_header("Allow", allow);
  return r;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (name && value) out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

// The request's session work failed: answer without a session.
Response store_failure(App& app, const Error& e, bool html) {
  const auto status = sessionpp::http::error_status(e, app.live()->sessions->options());
  if (status.status >= 500) log_error("session store: " + e.to_string());
  Response r;
  if (status.status == 503) {
    r = html ? html_response(503, message_page(app.node_name, "Service unavailable",
                                               "The session store is unavailable. Try again "
                                               "shortly."))
             : json_error(503, "session store unavailable");
  } else if (status.status == 401) {
    r = html ? html_response(401, login_page(app.node_name, "Your session has ended."))
             : json_error(401, "session ended");
  } else {
    r = html ? html_response(status.status, message_page(app.node_name, "Error", e.message))
             : json_error(status.status, e.message);
  }
  if (status.retry_after_seconds > 0) {
    r.add_header("Retry-After", std::to_string(status.retry_after_seconds));
  }
  return r;
}

// Saves the session and adds its cookie headers to `r`, or replaces `r` by the failure.
Response finish(App& app, RequestSession& rs, Response r, bool html) {
  Response headers;
  if (auto c = rs.commit(headers); !c) {
    Response failed = store_failure(app, c.error(), html);
    for (auto& h : headers.headers) failed.headers.push_back(std::move(h));
    failed.route = r.route;
    return failed;
  }
  for (auto& h : headers.headers) r.headers.push_back(std::move(h));
  return r;
}

struct LoginAttempt {
  enum Outcome { kOk, kBadCredentials, kThrottled, kStoreError } outcome = kBadCredentials;
  const UserConfig* user = nullptr;
  std::chrono::seconds retry_after{0};
  std::optional<Error> error;
};

LoginAttempt attempt_login(App& app, RequestSession& rs, const sessionpp::http::Request& req,
                           const std::string& username, const std::string& password,
                           bool remember_me) {
  LoginAttempt a;
  const std::string_view address = req.remote_address();
  if (auto wait = app.throttle->blocked(username, address)) {
    a.outcome = LoginAttempt::kThrottled;
    a.retry_after = *wait;
    return a;
  }
  const UserConfig* user = app.users->authenticate(username, password);
  app.metrics.observe_login(user != nullptr);
  if (user == nullptr) {
    app.throttle->record_failure(username, address);
    return a;
  }
  app.throttle->record_success(username, address);
  auto s = rs.login(user->username, remember_me);
  if (!s) {
    a.outcome = LoginAttempt::kStoreError;
    a.error = s.error();
    return a;
  }
  // Which node signed the user in, for the console's list of sessions.
  if (*s != nullptr && (*s)->attribute(kNodeAttribute) == nullptr) {
    (void)(*s)->set_attribute(kNodeAttribute, app.node_name);
  }
  a.outcome = LoginAttempt::kOk;
  a.user = user;
  return a;
}

json::value session_json(const Session& s, const std::vector<std::string>& roles) {
  json::object o;
  o["user"] = s.principal();
  json::array r;
  for (const auto& role : roles) r.emplace_back(role);
  o["roles"] = std::move(r);
  o["handle"] = s.handle();
  o["created_at"] = iso8601(s.created());
  o["last_accessed_at"] = iso8601(s.last_accessed());
  const auto expires = s.expires_at();
  if (expires) {
    o["expires_at"] = iso8601(*expires);
  } else {
    o["expires_at"] = nullptr;
  }
  o["max_inactive_seconds"] =
      std::chrono::duration_cast<std::chrono::seconds>(s.max_inactive()).count();
  json::object attrs;
  for (const auto& [name, value] : s.attributes()) {
    // sessiond's own bookkeeping (the login node, the console's CSRF token) is not the user's.
    if (name.starts_with(kReservedAttributePrefix)) continue;
    if (valid_utf8(value)) {
      attrs[name] = value;
    } else {
      attrs[name] = json::object{{"base64", base64(value)}};
    }
  }
  o["attributes"] = std::move(attrs);
  return o;
}

class Handler {
 public:
  Handler(App& app, const sessionpp::http::Request& req, std::string_view body)
      : app_(app), req_(req), body_(body) {
    const std::string_view target = req.target();
    path_ = target.substr(0, target.find('?'));
    method_ = req.method();
  }

  Response run() {
    if (path_ == "/console" || path_.starts_with("/console/")) {
      return routed("/console/", console_response(app_, *live_, req_, path_, method_));
    }
    if (path_.starts_with("/api/admin/")) {
      Response r;
      AdminRequest a{app_, *live_, req_, body_, path_, method_};
      std::string_view route = handle_admin(a, r);
      return routed(route, std::move(r));
    }
    if (path_ == "/healthz") return only("GET", "/healthz", [&] { return healthz(); });
    if (path_ == "/readyz") return only("GET", "/readyz", [&] { return readyz(); });
    if (path_ == "/metrics") return only("GET", "/metrics", [&] { return metrics(); });
    if (path_ == "/") return only("GET", "/", [&] { return home(); });
    if (path_ == "/login") {
      if (method_ == "GET") return routed("/login", login_form());
      if (method_ == "POST") return routed("/login", login_submit());
      return routed("/login", method_not_allowed("GET, POST"));
    }
    if (path_ == "/logout") return only("POST", "/logout", [&] { return logout_page(); });
    if (path_ == "/api/login") return only("POST", "/api/login", [&] { return api_login(); });
    if (path_ == "/api/logout") return only("POST", "/api/logout", [&] { return api_logout(); });
    if (path_ == "/api/session") return only("GET", "/api/session", [&] { return api_session(); });
    if (path_.starts_with(kAttributesPrefix)) {
      return routed("/api/session/attributes/{name}", api_attribute());
    }
    return routed("(unmatched)", json_error(404, "no such resource"));
  }

 private:
  template <typename F>
  Response only(std::string_view method, std::string_view route, F&& f) {
    return routed(route, method_ == method ? f() : method_not_allowed(method));
  }
  static Response routed(std::string_view route, Response r) {
    r.route = route;
    return r;
  }

  Response healthz() {
    Response r;
    r.body = "ok\n";
    return r;
  }

  Response readyz() {
    if (auto p = live_->repository->ping(); !p) {
      log_error("readyz: session store " + std::string(live_->repository->kind()) +
                " not ready: " + p.error().to_string());
      Response r;
      r.status = 503;
      r.body = "session store unavailable\n";
      r.add_header("Retry-After", std::to_string(live_->sessions->options().retry_after.count()));
      return r;
    }
    Response r;
    r.body = "ready\n";
    if (const std::string w = single_node_warning(app_); !w.empty()) r.body += w + "\n";
    return r;
  }

  Response metrics() {
    std::optional<std::size_t> active;
    if (auto n = live_->repository->count()) active = *n;
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = app_.metrics.render(active);
    return r;
  }

  bool auth_off() const { return !live_->config.security.authentication; }

  // The signed-in session and its user's roles; nullptr when anonymous or the user is gone.
  sessionpp::Result<Session*> signed_in(RequestSession& rs, std::vector<std::string>* roles) {
    auto s = rs.current();
    if (!s || *s == nullptr) return s;
    const UserConfig* user = app_.users->find((*s)->principal());
    if (user == nullptr) return static_cast<Session*>(nullptr);
    if (roles != nullptr) *roles = user->roles;
    return s;
  }

  Response home() {
    if (auth_off()) {
      return html_response(200, message_page(app_.node_name, "sessiond",
                                             "Authentication is off: there is nothing to sign "
                                             "in to."));
    }
    auto rs = live_->sessions->begin(req_);
    std::vector<std::string> roles;
    auto s = signed_in(rs, &roles);
    if (!s) return store_failure(app_, s.error(), true);
    if (*s == nullptr)
      return finish(app_, rs, html_response(200, login_page(app_.node_name)), true);
    Response r = html_response(200, home_page(app_.node_name, **s, roles));
    r.add_header("Cache-Control", "no-store");
    return finish(app_, rs, std::move(r), true);
  }

  Response login_form() {
    if (auth_off())
      return html_response(404,
                           message_page(app_.node_name, "Not found", "Authentication is off."));
    return html_response(200, login_page(app_.node_name));
  }

  Response login_submit() {
    if (auth_off())
      return html_response(404,
                           message_page(app_.node_name, "Not found", "Authentication is off."));
    auto form = parse_form(body_);
    const std::string username = form["username"];
    const std::string password = form["password"];
    if (username.empty() || username.size() > 200) {
      return html_response(400, login_page(app_.node_name,
                                           "username: required, at most 200 "
                                           "bytes"));
    }
    if (password.empty()) {
      return html_response(400, login_page(app_.node_name, "password: required", username));
    }
    auto rs = live_->sessions->begin(req_);
    const bool remember = !form["remember_me"].empty();
    LoginAttempt a = attempt_login(app_, rs, req_, username, password, remember);
    switch (a.outcome) {
      case LoginAttempt::kOk:
        return finish(app_, rs, redirect("/"), true);
      case LoginAttempt::kThrottled: {
        Response r = html_response(
            429,
            login_page(app_.node_name, "Too many failed sign-ins. Try again later.", username));
        r.add_header("Retry-After", std::to_string(a.retry_after.count()));
        return r;
      }
      case LoginAttempt::kStoreError:
        return store_failure(app_, *a.error, true);
      case LoginAttempt::kBadCredentials:
        break;
    }
    return html_response(401, login_page(app_.node_name, "Wrong username or password.", username));
  }

  Response logout_page() {
    if (auth_off()) return redirect("/");
    auto rs = live_->sessions->begin(req_);
    if (auto r = rs.logout(); !r) return store_failure(app_, r.error(), true);
    return finish(app_, rs, redirect("/"), true);
  }

  Response api_login() {
    if (auth_off()) return json_error(404, "authentication is off");
    json::error_code ec;
    json::value v = json::parse(body_, ec);
    if (ec || !v.is_object()) return json_error(400, "body must be a JSON object", "body");
    const json::object& o = v.as_object();
    const json::value* u = o.if_contains("username");
    if (u == nullptr || !u->is_string() || u->as_string().empty() || u->as_string().size() > 200) {
      return json_error(400, "username: required, a string of 1 to 200 bytes", "username");
    }
    const json::value* p = o.if_contains("password");
    if (p == nullptr || !p->is_string() || p->as_string().empty()) {
      return json_error(400, "password: required, a non-empty string", "password");
    }
    bool remember = false;
    if (const json::value* m = o.if_contains("remember_me")) {
      if (!m->is_bool())
        return json_error(400, "remember_me: must be true or false", "remember_me");
      remember = m->as_bool();
    }
    auto rs = live_->sessions->begin(req_);
    LoginAttempt a = attempt_login(app_, rs, req_, std::string(u->as_string()),
                                   std::string(p->as_string()), remember);
    switch (a.outcome) {
      case LoginAttempt::kOk: {
        json::object out;
        out["user"] = a.user->username;
        json::array roles;
        for (const auto& role : a.user->roles) roles.emplace_back(role);
        out["roles"] = std::move(roles);
        return finish(app_, rs, json_response(200, out), false);
      }
      case LoginAttempt::kThrottled: {
        Response r = json_error(429, "too many failed logins; try again later");
        r.add_header("Retry-After", std::to_string(a.retry_after.count()));
        return r;
      }
      case LoginAttempt::kStoreError:
        return store_failure(app_, *a.error, false);
      case LoginAttempt::kBadCredentials:
        break;
    }
    return json_error(401, "invalid username or password");
  }

  Response api_logout() {
    if (auth_off()) return json_error(404, "authentication is off");
    auto rs = live_->sessions->begin(req_);
    if (auto r = rs.logout(); !r) return store_failure(app_, r.error(), false);
    Response r;
    r.status = 204;
    return finish(app_, rs, std::move(r), false);
  }

  Response api_session() {
    if (auth_off()) return json_error(404, "authentication is off");
    auto rs = live_->sessions->begin(req_);
    std::vector<std::string> roles;
    auto s = signed_in(rs, &roles);
    if (!s) return store_failure(app_, s.error(), false);
    if (*s == nullptr) return finish(app_, rs, json_error(401, "not signed in"), false);
    Response r = json_response(200, session_json(**s, roles));
    r.add_header("Cache-Control", "no-store");
    return finish(app_, rs, std::move(r), false);
  }

  Response api_attribute() {
    if (method_ != "GET" && method_ != "PUT" && method_ != "DELETE") {
      return method_not_allowed("GET, PUT, DELETE");
    }
    if (auth_off()) return json_error(404, "authentication is off");
    auto name = percent_decode(path_.substr(kAttributesPrefix.size()));
    if (!name) return json_error(400, "name: malformed percent-encoding", "name");
    if (auto v = sessionpp::validate_attribute_name(*name); !v) {
      return json_error(400, "name: " + v.error().message, "name");
    }
    auto rs = live_->sessions->begin(req_);
    auto s = signed_in(rs, nullptr);
    if (!s) return store_failure(app_, s.error(), false);
    if (*s == nullptr) return finish(app_, rs, json_error(401, "not signed in"), false);
    Session& session = **s;
    if (app_.test_hooks) delay_from_header(req_, "X-Test-Delay-After-Load-Ms");
    if (method_ == "GET") {
      const std::string* value = session.attribute(*name);
      if (value == nullptr) return finish(app_, rs, json_error(404, "no such attribute"), false);
      Response r;
      r.content_type = "application/octet-stream";
      r.body = *value;
      r.add_header("Cache-Control", "no-store");
      return finish(app_, rs, std::move(r), false);
    }
    Response r;
    r.status = 204;
    if (method_ == "PUT") {
      if (auto set = session.set_attribute(*name, std::string(body_)); !set) {
        return finish(app_, rs, json_error(413, "value: " + set.error().message, "value"), false);
      }
    } else if (!session.remove_attribute(*name)) {
      return finish(app_, rs, json_error(404, "no such attribute"), false);
    }
    return finish(app_, rs, std::move(r), false);
  }

  App& app_;
  std::shared_ptr<LiveStore> live_ = app_.live();  // this request's store, start to end
  const sessionpp::http::Request& req_;
  std::string_view body_;
  std::string_view path_;
  std::string_view method_;
};

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool form) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      unsigned v = 0;
      auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
      if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
      out.push_back(static_cast<char>(v));
      i += 2;
    } else if (c == '+' && form) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool Routes::answers_inline(const sessionpp::http::Request& request) const {
  if (request.method() != "GET") return false;
  const std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != "/healthz") return false;
  // The test hook's delay sleeps in handle(): never on an I/O thread.
  return !app_.test_hooks || !request.header("X-Test-Delay-Ms");
}

Response Routes::handle(const sessionpp::http::Request& request, std::string_view body) {
  if (app_.test_hooks) delay_from_header(request, "X-Test-Delay-Ms");
  if (!app_.looks_like_fleet.load(std::memory_order_relaxed) && request.header("X-Forwarded-For")) {
    app_.looks_like_fleet = true;
    if (const std::string w = single_node_warning(app_); !w.empty()) log_error(w);
  }
  try {
    return Handler(app_, request, body).run();
  } catch (const std::exception& e) {
    // A bug, not bad input: keep the process up and say so.
    log_error(std::string("handler failed: ") + e.what());
    Response r = json_error(500, "internal error");
    return r;
  }
}

}  // namespace sessiond
