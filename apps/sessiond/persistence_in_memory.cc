#include "persistence.h"
#include "sessionpp/memory_store.h"

namespace sessiond {

Result<std::unique_ptr<sessionpp::SessionRepository>> open_in_memory_persistence(
    const PersistenceContext& ctx) {
  return sessionpp::open_memory_store(sessionpp::MemoryStoreOptions{.policy = ctx.policy});
}

}  // namespace sessiond
