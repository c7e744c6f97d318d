#pragma once

// Cookie parsing and Set-Cookie writing for the session cookie.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/result.h"

namespace sessionpp::http {

enum class SameSite { kLax, kStrict, kNone };
// When the cookie carries `Secure`: kAuto when the request is HTTPS (directly, or per a trusted
// proxy's X-Forwarded-Proto); kAlways; kNever.
enum class SecureMode { kAuto, kAlways, kNever };

// "Lax" / "Strict" / "None" (case-insensitive) -> SameSite; kInvalidArgument otherwise.
Result<SameSite> parse_same_site(std::string_view text);
std::string_view to_string(SameSite s) noexcept;
// "auto" / "always" / "never" (case-insensitive) -> SecureMode; kInvalidArgument otherwise.
Result<SecureMode> parse_secure_mode(std::string_view text);
std::string_view to_string(SecureMode m) noexcept;

struct CookieOptions {
  // Cookie name: an RFC 6265 token. Default: "SESSION".
  std::string name = "SESSION";
  // Path attribute. Default: "/".
  std::string path = "/";
  // Domain attribute; empty: none (host-only cookie). Default: empty.
  std::string domain;
  // Default: kAuto.
  SecureMode secure = SecureMode::kAuto;
  // Default: kLax. kNone always adds Secure, as browsers require.
  SameSite same_site = SameSite::kLax;
  // Default: true. HttpOnly keeps the id out of reach of page scripts.
  bool http_only = true;
};

// Ok when `options` can produce a valid Set-Cookie line; kInvalidArgument naming the field
// ("cookie.name", "cookie.path", "cookie.domain") otherwise.
Result<void> validate(const CookieOptions& options);

// The values of every cookie called `name` in one Cookie header value ("a=1; SESSION=x"), in
// order. Values are returned as sent, without surrounding quotes. Malformed pairs are skipped.
std::vector<std::string_view> find_cookies(std::string_view cookie_header, std::string_view name);

// A Set-Cookie value that sets the cookie to `value`. `max_age`: nullopt for a browser-session
// cookie (no Max-Age), else its lifetime in whole seconds. `secure`: the resolved Secure flag.
std::string set_cookie_value(const CookieOptions& options, std::string_view value, bool secure,
                             std::optional<std::chrono::seconds> max_age = std::nullopt);

// A Set-Cookie value that deletes the cookie (empty value, Max-Age=0, same Path and Domain).
std::string clear_cookie_value(const CookieOptions& options, bool secure);

}  // namespace sessionpp::http
