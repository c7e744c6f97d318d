#include "persistence.h"

#ifdef SESSIOND_HAVE_STORE_REDIS
#include "sessionpp/redis_store.h"
#endif

namespace sessiond {

Result<std::unique_ptr<sessionpp::SessionRepository>> open_redis_persistence(
    const PersistenceContext& ctx) {
#ifdef SESSIOND_HAVE_STORE_REDIS
  const RedisPersistence& r = ctx.config.redis;
  auto password = resolve(r.password, "security.session_persistence.redis.password");
  if (!password) return std::move(password).error();
  sessionpp::RedisOptions o;
  o.policy = ctx.policy;
  o.host = r.host;
  o.port = static_cast<int>(r.port);
  o.username = r.username;
  o.password = std::move(*password);
  o.database = static_cast<int>(r.database);
  o.key_prefix = r.key_prefix;
  o.connect_timeout = r.connect_timeout;
  o.command_timeout = r.command_timeout;
  o.pool.size = static_cast<std::size_t>(r.pool_size);
  o.pool.pipelined_reads = static_cast<std::size_t>(r.pipelined_reads);
  if (r.mode == "cluster") {
    o.mode = sessionpp::RedisMode::kCluster;
  } else if (r.mode == "sentinel") {
    o.mode = sessionpp::RedisMode::kSentinel;
  }
  o.cluster_nodes = r.cluster_nodes;
  o.sentinels = r.sentinels;
  o.master_name = r.master_name;
  auto sentinel_password =
      resolve(r.sentinel_password, "security.session_persistence.redis.sentinel_password");
  if (!sentinel_password) return std::move(sentinel_password).error();
  o.sentinel_password = std::move(*sentinel_password);
  return sessionpp::open_redis_store(o);
#else
  (void)ctx;
  return not_available("redis");
#endif
}

}  // namespace sessiond
