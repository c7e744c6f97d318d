#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "sessionpp/repository.h"
#include "sessionpp/result.h"

namespace sessionpp {

struct MemoryStoreOptions {
  SessionPolicy policy;
  // Number of independently locked shards (rounded up to a power of two). Default: 64.
  std::size_t shards = 64;
  // How often the background sweeper deletes expired sessions. 0: no sweeper (purge_expired
  // only). Default: 60 s.
  std::chrono::milliseconds sweep_interval = std::chrono::seconds(60);
  // Most sessions one sweep deletes. Default: 100000.
  std::size_t sweep_batch = 100000;
};

// Sessions in this process's memory: the default store, for one node. Sharded, O(1) find, a
// principal index, a background sweeper that stops when the store is destroyed. Obeys delta
// saves and the no-resurrection rule exactly like the networked stores.
//
// Errors: kInvalidArgument naming the option at fault.
Result<std::unique_ptr<SessionRepository>> open_memory_store(
    const MemoryStoreOptions& options = {});

}  // namespace sessionpp
