#include "persistence.h"

namespace sessiond {

// The SQL store (sessionpp::store_sql) is not wired in yet; the database reference is checked
// already so a typo is reported before the missing store.
Result<std::unique_ptr<sessionpp::SessionRepository>> open_jdbc_persistence(
    const PersistenceContext& ctx) {
  auto db = find_database(ctx.databases, ctx.config.jdbc.database,
                          "security.session_persistence.jdbc.database");
  if (!db) return std::move(db).error();
  return not_available("jdbc");
}

}  // namespace sessiond
