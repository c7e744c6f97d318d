#include "persistence.h"

#ifdef SESSIOND_HAVE_STORE_MONGO
#include "sessionpp/mongo_store.h"
#endif

namespace sessiond {

Result<std::unique_ptr<sessionpp::SessionRepository>> open_mongodb_persistence(
    const PersistenceContext& ctx) {
#ifdef SESSIOND_HAVE_STORE_MONGO
  const MongoPersistence& m = ctx.config.mongodb;
  auto password = resolve(m.password, "security.session_persistence.mongodb.password");
  if (!password) return std::move(password).error();
  sessionpp::MongoOptions o;
  o.policy = ctx.policy;
  o.uri = m.uri;
  o.host = m.host;
  o.port = static_cast<int>(m.port);
  o.database = m.database;
  o.username = m.username;
  o.password = std::move(*password);
  o.auth_source = m.auth_source;
  o.collection = m.collection;
  o.connect_timeout = m.timeout;
  o.socket_timeout = m.timeout;
  o.server_selection_timeout = m.timeout;
  return sessionpp::open_mongo_store(o);
#else
  (void)ctx;
  return not_available("mongodb");
#endif
}

}  // namespace sessiond
