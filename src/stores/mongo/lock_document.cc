#include "stores/mongo/lock_document.h"

#include <algorithm>
#include <string>
#include <thread>

#include "stores/mongo/c_handle.h"
#include "stores/mongo/mongo_errors.h"

namespace sessionpp::mongo {
namespace {

constexpr std::uint32_t kDuplicateKey = 11000;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

BsonPtr lock_filter(std::string_view handle) {
  BsonPtr f = new_bson();
  bson_append_utf8(f.get(), "_id", 3, handle.data(), static_cast<int>(handle.size()));
  return f;
}

// The `until` of the current holder's document, or nullopt when there is none (or unreadable).
std::optional<std::int64_t> holder_until(mongoc_collection_t* locks, std::string_view handle) {
  BsonPtr filter = lock_filter(handle);
  BsonPtr opts = BsonPtr(BCON_NEW("limit", BCON_INT64(1)));
  CursorPtr cursor(mongoc_collection_find_with_opts(locks, filter.get(), opts.get(), nullptr));
  const bson_t* doc = nullptr;
  if (!mongoc_cursor_next(cursor.get(), &doc)) return std::nullopt;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "until") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
    return bson_iter_date_time(&it);
  }
  return std::nullopt;
}

}  // namespace

Result<LockLease> acquire_lock(mongoc_collection_t* locks, std::string_view handle,
                               std::chrono::milliseconds lease, std::chrono::milliseconds wait,
                               const Target& target) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    LockLease mine{.until_ms = wall_ms() + lease.count()};
    BsonPtr doc = lock_filter(handle);
    BSON_APPEND_DATE_TIME(doc.get(), "until", mine.until_ms);
    bson_error_t err;
    if (mongoc_collection_insert_one(locks, doc.get(), nullptr, nullptr, &err)) return mine;
    if (err.code != kDuplicateKey) return translate_error(err, target, "lock session");

    // Held: take over a lapsed lease (its holder died), else wait a little.
    if (const auto until = holder_until(locks, handle); until && *until < wall_ms()) {
      BsonPtr stale = lock_filter(handle);
      BSON_APPEND_DATE_TIME(stale.get(), "until", *until);
      (void)mongoc_collection_delete_one(locks, stale.get(), nullptr, nullptr, nullptr);
      continue;
    }
    if (std::chrono::steady_clock::now() + backoff > deadline) {
      return make_error(Errc::kTimeout, "MongoDB at " + target.where + ": session " +
                                            std::string(handle.substr(0, 12)) +
                                            "... stayed locked by another save for " +
                                            std::to_string(wait.count()) + " ms");
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(20));
  }
}

void release_lock(mongoc_collection_t* locks, std::string_view handle, const LockLease& lease) {
  BsonPtr filter = lock_filter(handle);
  BSON_APPEND_DATE_TIME(filter.get(), "until", lease.until_ms);
  (void)mongoc_collection_delete_one(locks, filter.get(), nullptr, nullptr, nullptr);
}

}  // namespace sessionpp::mongo
