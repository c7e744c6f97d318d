#include "persistence.h"

#ifdef SESSIOND_HAVE_STORE_SQL
#include "sessionpp/sql_store.h"
#endif

namespace sessiond {

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
    o.password = std::move(*password);
  }
  return sessionpp::open_sql_store(o);
#else
  return not_available("jdbc");
#endif
}

}  // namespace sessiond
