#include "console.h"

#include "pages.h"

namespace sessiond {

Response console_response(App& app, LiveStore& live, const sessionpp::http::Request& request,
                          std::string_view path, std::string_view method) {
  Response r;
  if (method != "GET" && method != "HEAD") {
    r.status = 405;
    r.add_header("Allow", "GET");
    r.body = "method not allowed\n";
    return r;
  }
  if (path == "/console") {
    r.status = 301;
    r.add_header("Location", "/console/");
    return r;
  }
  std::string_view name = path.substr(std::string_view("/console/").size());
  if (name.empty()) name = "index.html";
  const ConsoleAsset* asset = find_console_asset(name);
  if (asset == nullptr) {
    r.status = 404;
    r.body = "no such file\n";
    return r;
  }
  r.add_header("Cache-Control", "no-store");
  r.add_header("X-Frame-Options", "DENY");
  r.add_header("Content-Security-Policy",
               "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
  if (name == "index.html") {
    r.content_type = "text/html; charset=utf-8";
    if (!live.config.security.authentication) {
      r.status = 404;
      r.body = message_page(app.node_name, "Not found",
                            "Authentication is off: the console needs it. Use sessionctl.");
      return r;
    }
    auto rs = live.sessions->begin(request);
    auto s = rs.current();
    if (!s) {
      r.status = 503;
      r.body = message_page(app.node_name, "Service unavailable",
                            "The session store is unavailable. Try again shortly.");
      return r;
    }
    const UserConfig* user = *s ? app.users->find((*s)->principal()) : nullptr;
    if (user == nullptr) {
      r.status = 401;
      r.body = login_page(app.node_name, "Sign in as an administrator to open the console.");
      return r;
    }
    bool admin = false;
    for (const auto& role : user->roles) admin = admin || role == "admin";
    if (!admin) {
      r.status = 403;
      r.body = message_page(
          app.node_name, "Forbidden",
          "The console needs the admin role; " + user->username + " does not have it.");
      return r;
    }
  }
  r.content_type = std::string(asset->content_type);
  r.body = std::string(asset->body);
  return r;
}

}  // namespace sessiond
