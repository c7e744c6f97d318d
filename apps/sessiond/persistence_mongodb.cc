#include "persistence.h"

namespace sessiond {

// The MongoDB store (sessionpp::store_mongo) is not wired in yet.
Result<std::unique_ptr<sessionpp::SessionRepository>> open_mongodb_persistence(
    const PersistenceContext& /*ctx*/) {
  return not_available("mongodb");
}

}  // namespace sessiond
