#include "stores/sql/url.h"

#include <charconv>

#include "core/uri.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::sql {
namespace {

// The shared decoder, in the out-parameter form the parser below reads best with.
bool percent_decode(std::string_view in, std::string& out) {
  auto decoded = detail::percent_decode(in);
  if (!decoded) return false;
  out = std::move(*decoded);
  return true;
}

Error bad(const std::string& redacted, const std::string& why) {
  return make_error(Errc::kInvalidArgument, "SqlStoreOptions.url '" + redacted + "': " + why);
}

}  // namespace

std::string redact_url(const std::string& url) {
  std::string out = url;
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const std::size_t start = scheme_end + 3;
    std::size_t end = out.find_first_of("/?#", start);
    if (end == std::string::npos) end = out.size();
    const auto at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // A password given as a query option.
  for (std::size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&') continue;
    const std::size_t value = pos + 9;
    std::size_t end = out.find('&', value);
    if (end == std::string::npos) end = out.size();
    out.replace(value, end - value, "***");
  }
  return out;
}

std::string DbUrl::endpoint() const {
  int p = port;
  if (p == 0) p = scheme == Scheme::kMysql ? 3306 : 5432;
  std::string h = host.empty() ? "localhost" : host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return h + ":" + std::to_string(p);
}

const std::string* DbUrl::param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<DbUrl> parse_db_url(const std::string& url) {
  DbUrl u;
  u.redacted = redact_url(url);
  if (url.empty()) return bad(u.redacted, "is empty; give postgresql://, mysql:// or sqlite:///");
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return bad(u.redacted, "has no scheme; use postgresql://, mysql://, mariadb:// or sqlite:///");
  }
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme == "postgresql" || scheme == "postgres") {
    u.scheme = DbUrl::Scheme::kPostgres;
  } else if (scheme == "mysql" || scheme == "mariadb") {
    u.scheme = DbUrl::Scheme::kMysql;
  } else if (scheme == "sqlite") {
    u.scheme = DbUrl::Scheme::kSqlite;
  } else {
    return bad(u.redacted, "unknown scheme '" + scheme +
                               "'; use postgresql://, postgres://, mysql://, mariadb:// or "
                               "sqlite:///");
  }
  std::string_view rest = std::string_view(url).substr(scheme_end + 3);
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const bool query_ok =
      detail::for_each_query_pair(query, [&](std::string_view key, std::string_view value) {
        std::string k, v;
        if (!percent_decode(key, k) || !percent_decode(value, v)) return false;
        u.params.emplace_back(std::move(k), std::move(v));
        return true;
      });
  if (!query_ok) return bad(u.redacted, "has a malformed %-escape in its options");

  if (u.scheme == DbUrl::Scheme::kSqlite) {
    // sqlite:///abs/path: an empty authority, then the absolute path.
    if (rest.empty() || rest.front() != '/') {
      return bad(u.redacted, "a SQLite URL needs an absolute path: sqlite:///path/to/file.db");
    }
    if (!percent_decode(rest, u.path)) return bad(u.redacted, "has a malformed %-escape");
    if (u.path.size() < 2) return bad(u.redacted, "names no file");
    return u;
  }

  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    if (!percent_decode(rest.substr(slash + 1), u.database)) {
      return bad(u.redacted, "has a malformed %-escape in the database name");
    }
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (!percent_decode(userinfo.substr(0, colon), u.user) ||
        (colon != std::string_view::npos &&
         !percent_decode(userinfo.substr(colon + 1), u.password))) {
      return bad(u.redacted, "has a malformed %-escape in its user or password");
    }
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad(u.redacted, "has an unclosed '[' in its host");
    u.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(u.redacted, "has text after the host");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    if (!percent_decode(authority.substr(0, colon), u.host)) {
      return bad(u.redacted, "has a malformed %-escape in its host");
    }
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), u.port);
    if (ec != std::errc() || p != port.data() + port.size() || u.port <= 0 || u.port > 65535) {
      return bad(u.redacted, "has an invalid port '" + std::string(port) + "'");
    }
  }
  if (u.database.empty()) {
    return bad(u.redacted, "names no database: " + scheme + "://user:password@host:port/DATABASE");
  }
  return u;
}

}  // namespace sessionpp::sql

namespace sessionpp {
std::string redact_sql_url(const std::string& url) { return sql::redact_url(url); }
}  // namespace sessionpp
