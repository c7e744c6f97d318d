#pragma once

#include <mongoc/mongoc.h>

#include <chrono>
#include <cstdint>
#include <string_view>

#include "sessionpp/result.h"
#include "stores/mongo/mongo_target.h"

namespace sessionpp::mongo {

// A lease on one session shared by every process, for servers whose updates are not atomic
// (FerretDB v1): the document {_id: <handle>, until: Date} in a side collection, taken by an
// insert (the unique _id makes it exclusive) and given back by a delete. A holder that crashed
// leaves a lease that others take over once `until` has passed (wall-clock time: this is about
// processes, not session expiry).
struct LockLease {
  std::int64_t until_ms = 0;  // identifies this holder's document
};

// Takes the lease on `handle`, waiting up to `wait`; kTimeout naming the session when another
// holder keeps it that long.
Result<LockLease> acquire_lock(mongoc_collection_t* locks, std::string_view handle,
                               std::chrono::milliseconds lease, std::chrono::milliseconds wait,
                               const Target& target);

// Gives the lease back (best effort: an error only means it lapses by itself).
void release_lock(mongoc_collection_t* locks, std::string_view handle, const LockLease& lease);

}  // namespace sessionpp::mongo
