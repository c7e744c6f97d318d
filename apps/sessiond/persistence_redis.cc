#include "persistence.h"

namespace sessiond {

// The Redis store (sessionpp::store_redis) is not wired in yet.
Result<std::unique_ptr<sessionpp::SessionRepository>> open_redis_persistence(
    const PersistenceContext& /*ctx*/) {
  return not_available("redis");
}

}  // namespace sessiond
