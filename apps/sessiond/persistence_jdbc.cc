#include <cctype>

#include "persistence.h"

#ifdef SESSIOND_HAVE_STORE_SQL
#include "sessionpp/sql_store.h"
#endif

namespace sessiond {
namespace {

#ifdef SESSIOND_HAVE_STORE_SQL
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// The URL with `password` put in, for a [databases.NAME] entry that gives its password apart
// (password_env / password_file) from a URL that names only the user.
Result<std::string> with_password(const std::string& url, const std::string& password,
                                  const std::string& key) {
  const auto scheme_end = url.find("://");
  const auto at = url.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) {
    return sessionpp::make_error(sessionpp::Errc::kInvalidArgument,
                                 key + ": a password needs a user in the url (scheme://user@host)");
  }
  const std::string userinfo = url.substr(scheme_end + 3, at - scheme_end - 3);
  if (userinfo.find(':') != std::string::npos) {
    return sessionpp::make_error(sessionpp::Errc::kInvalidArgument,
                                 key + ": the url has a password already; give it once");
  }
  return url.substr(0, at) + ":" + percent_encode(password) + url.substr(at);
}
#endif

}  // namespace

Result<std::unique_ptr<sessionpp::SessionRepository>> open_jdbc_persistence(
    const PersistenceContext& ctx) {
  auto db = find_database(ctx.databases, ctx.config.jdbc.database,
                          "security.session_persistence.jdbc.database");
  if (!db) return std::move(db).error();
#ifdef SESSIOND_HAVE_STORE_SQL
  const DatabaseConfig& d = **db;
  const std::string key = "databases." + d.name;
  sessionpp::SqlStoreOptions o;
  o.policy = ctx.policy;
  o.name = d.name;
  o.url = d.url;
  o.table_prefix = ctx.config.jdbc.table_prefix;
  if (!d.password.empty()) {
    auto password = resolve(d.password, key + ".password");
    if (!password) return std::move(password).error();
    auto url = with_password(d.url, *password, key + ".url");
    if (!url) return std::move(url).error();
    o.url = std::move(*url);
  }
  return sessionpp::open_sql_store(o);
#else
  return not_available("jdbc");
#endif
}

}  // namespace sessiond
