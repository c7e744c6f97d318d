#include "sessionpp/http/cookie.h"

#include <algorithm>
#include <cctype>

#include "http/text.h"

namespace sessionpp::http {
namespace {

using detail::iequals;
using detail::trim;

// RFC 7230 tchar: what a cookie name may hold.
bool is_token_char(char c) noexcept {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

Result<SameSite> parse_same_site(std::string_view text) {
  if (iequals(text, "lax")) return SameSite::kLax;
  if (iequals(text, "strict")) return SameSite::kStrict;
  if (iequals(text, "none")) return SameSite::kNone;
  return make_error(Errc::kInvalidArgument,
                    "same_site must be Lax, Strict or None, not '" + std::string(text) + "'");
}

std::string_view to_string(SameSite s) noexcept {
  switch (s) {
    case SameSite::kLax:
      return "Lax";
    case SameSite::kStrict:
      return "Strict";
    case SameSite::kNone:
      return "None";
  }
  return "Lax";
}

Result<SecureMode> parse_secure_mode(std::string_view text) {
  if (iequals(text, "auto")) return SecureMode::kAuto;
  if (iequals(text, "always")) return SecureMode::kAlways;
  if (iequals(text, "never")) return SecureMode::kNever;
  return make_error(Errc::kInvalidArgument,
                    "secure must be auto, always or never, not '" + std::string(text) + "'");
}

std::string_view to_string(SecureMode m) noexcept {
  switch (m) {
    case SecureMode::kAuto:
      return "auto";
    case SecureMode::kAlways:
      return "always";
    case SecureMode::kNever:
      return "never";
  }
  return "auto";
}

Result<void> validate(const CookieOptions& o) {
  if (o.name.empty() || o.name.size() > 64 ||
      !std::all_of(o.name.begin(), o.name.end(), is_token_char)) {
    return make_error(Errc::kInvalidArgument,
                      "cookie.name must be 1 to 64 token characters (letters, digits, "
                      "!#$%&'*+-.^_`|~), not '" +
                          o.name + "'");
  }
  if (o.path.empty() || o.path.front() != '/' ||
      std::any_of(o.path.begin(), o.path.end(), [](char c) {
        return c == ';' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return make_error(Errc::kInvalidArgument,
                      "cookie.path must start with '/' and hold no ';' or control characters");
  }
  if (!std::all_of(o.domain.begin(), o.domain.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
      })) {
    return make_error(
        Errc::kInvalidArgument,
        "cookie.domain may hold only letters, digits, '.' and '-', not '" + o.domain + "'");
  }
  return {};
}

std::vector<std::string_view> find_cookies(std::string_view header, std::string_view name) {
  std::vector<std::string_view> out;
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.push_back(value);
  }
  return out;
}

namespace {

std::string attributes(const CookieOptions& o, bool secure) {
  std::string out = "; Path=" + o.path;
  if (!o.domain.empty()) out += "; Domain=" + o.domain;
  // Browsers drop SameSite=None cookies that lack Secure.
  if (secure || o.same_site == SameSite::kNone) out += "; Secure";
  if (o.http_only) out += "; HttpOnly";
  out += "; SameSite=";
  out += to_string(o.same_site);
  return out;
}

}  // namespace

std::string set_cookie_value(const CookieOptions& o, std::string_view value, bool secure,
                             std::optional<std::chrono::seconds> max_age) {
  std::string out = o.name + "=" + std::string(value);
  if (max_age) out += "; Max-Age=" + std::to_string(std::max<std::int64_t>(max_age->count(), 0));
  return out + attributes(o, secure);
}

std::string clear_cookie_value(const CookieOptions& o, bool secure) {
  return o.name + "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + attributes(o, secure);
}

}  // namespace sessionpp::http
