#include "sessionpp/mongo_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "stores/mongo/attribute_name_codec.h"
#include "stores/mongo/c_handle.h"
#include "stores/mongo/lock_document.h"
#include "stores/mongo/mongo_errors.h"
#include "stores/mongo/mongo_target.h"
#include "stores/mongo/session_document.h"

namespace sessionpp {
namespace mongo {
namespace {

// How often do_update re-reads and retries when a concurrent save changed the fields its
// conditional update depends on (last access, timeout, deadline) before giving up with kConflict.
constexpr int kMaxUpdateAttempts = 32;

std::string short_handle(std::string_view handle) {
  return std::string(handle.substr(0, 12)) + "...";
}

Error gone(std::string_view handle) {
  return make_error(Errc::kGone, "session " + short_handle(handle) + " no longer exists");
}

void log_warning(const std::string& message) {
  std::fprintf(stderr, "sessionpp: mongodb: %s\n", message.c_str());
}

// The reply field of a write ("matchedCount", "deletedCount", ...), 0 when absent.
std::int64_t reply_count(const bson_t* reply, const char* field) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply, field) && BSON_ITER_HOLDS_NUMBER(&it)) {
    return bson_iter_as_int64(&it);
  }
  return 0;
}

// Appends the element `key` of `doc` to `out`, or null when `doc` lacks it: a filter that
// matches the stored value exactly, whatever its BSON type.
void append_same(bson_t* out, const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, key)) {
    bson_append_iter(out, key, -1, &it);
  } else {
    bson_append_null(out, key, -1);
  }
}

void append_date_or_unset(bson_t* set, bson_t* unset, const char* key, std::optional<Timestamp> t) {
  if (t) {
    BSON_APPEND_DATE_TIME(set, key, to_epoch_ms(*t));
  } else {
    BSON_APPEND_UTF8(unset, key, "");
  }
}

class MongoStore final : public SessionRepository {
 public:
  MongoStore(const MongoOptions& options, Target target, ClientPoolPtr pool)
      : SessionRepository(options.policy),
        target_(std::move(target)),
        pool_(std::move(pool)),
        purge_batch_(options.purge_batch),
        locking_(options.update_locking),
        lock_lease_(std::max<std::chrono::milliseconds>(std::chrono::seconds(10),
                                                        4 * options.socket_timeout)),
        lock_wait_(options.socket_timeout) {}

  std::string_view kind() const noexcept override { return "mongodb"; }

  // Checks the connection and credentials, learns what the server is, creates the indexes.
  Result<void> initialize(bool ttl_index) {
    if (auto r = do_ping(); !r) return r;
    if (auto r = detect_server(); !r) return r;
    if (auto r = create_index("principal", field::kPrincipal, /*ttl=*/false); !r) return r;
    if (!ttl_index) return create_index("expireAt", field::kExpireAt, false);
    bson_error_t err;
    if (auto r = create_index("expireAt_ttl", field::kExpireAt, /*ttl=*/true, &err); r) return r;
    if (!is_unsupported_index_error(err)) return translate_error(err, target_, "create TTL index");
    static std::atomic_flag logged = ATOMIC_FLAG_INIT;
    if (!logged.test_and_set()) {
      log_warning("server at " + target_.where +
                  " refused the TTL index on expireAt; expired sessions are invisible to reads "
                  "and are deleted by purge_expired only (" +
                  err.message + ")");
    }
    return create_index("expireAt", field::kExpireAt, false);
  }

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view handle, Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    auto doc = read_live(coll.get(), handle, now, nullptr, "find");
    if (!doc) return std::move(doc).error();
    if (!*doc) return std::optional<SessionData>();
    auto data = decode_session(doc->get());
    if (!data) {
      // An undecodable record is absent for the user, never a permanent error: log it.
      log_warning("ignoring undecodable session " + short_handle(handle) + ": " +
                  data.error().message);
      return std::optional<SessionData>();
    }
    return std::optional<SessionData>(std::move(*data));
  }

  Result<void> do_insert(std::string_view handle, const SessionData& data) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr filter = id_filter(handle);
    BsonPtr doc = new_bson();
    append_session(doc.get(), handle, data);
    // A replacing upsert rather than an insert: a save retried after a lost reply is harmless.
    BsonPtr opts = BsonPtr(BCON_NEW("upsert", BCON_BOOL(true)));
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_collection_replace_one(coll.get(), filter.get(), doc.get(), opts.get(),
                                                  &reply, &err);
    bson_destroy(&reply);
    if (!ok) return translate_error(err, target_, "insert session");
    return {};
  }

  // One conditional update document per attempt: it applies only if the session is live and its
  // last access, timeout and deadline are still what this attempt read, so the expireAt it writes
  // follows from the values it writes (MongoDB's $max cannot recompute a derived field, and
  // pipeline updates are not available on every compatible server). Disjoint attribute writers do
  // not conflict: the condition does not cover attributes. Against FerretDB v1 (see
  // detect_server) the condition is the _id alone and the read-then-update runs under this
  // process's lock for the session instead.
  Result<void> do_update(std::string_view handle, const SessionUpdate& u, Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    auto guard = lock_session(client, handle);
    if (!guard) return std::move(guard).error();
    for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
      BsonPtr projection = BsonPtr(BCON_NEW("projection", "{", field::kLastAccessed, BCON_INT32(1),
                                            field::kMaxInactive, BCON_INT32(1), field::kDeadline,
                                            BCON_INT32(1), "}"));
      auto current = read_live(coll.get(), handle, now, projection.get(), "save (read)");
      if (!current) return std::move(current).error();
      if (!*current) return gone(handle);
      auto stored = decode_times(current->get());
      if (!stored) return gone(handle);  // read_live has checked it decodes

      const Timestamp last_accessed = std::max(stored->last_accessed, u.last_accessed);
      const Duration max_inactive = u.metadata ? u.metadata->max_inactive : stored->max_inactive;
      const std::optional<Timestamp> deadline =
          u.metadata ? u.metadata->absolute_deadline : stored->deadline;

      BsonPtr cond = id_filter(handle);
      if (!serialize_updates_) {
        append_same(cond.get(), current->get(), field::kLastAccessed);
        append_same(cond.get(), current->get(), field::kMaxInactive);
        append_same(cond.get(), current->get(), field::kDeadline);
        append_live_clause(cond.get(), now);
      }

      BsonPtr update = new_bson();
      bson_t set, unset, inc;
      bson_init(&unset);
      BSON_APPEND_DOCUMENT_BEGIN(update.get(), "$set", &set);
      BSON_APPEND_DATE_TIME(&set, field::kLastAccessed, to_epoch_ms(last_accessed));
      append_date_or_unset(&set, &unset, field::kExpireAt,
                           expiry_of(last_accessed, max_inactive, deadline));
      if (u.metadata != nullptr) {
        BSON_APPEND_INT64(&set, field::kMaxInactive, max_inactive.count());
        append_date_or_unset(&set, &unset, field::kDeadline, deadline);
        if (u.metadata->principal.empty()) {
          BSON_APPEND_UTF8(&unset, field::kPrincipal, "");
        } else {
          bson_append_utf8(&set, field::kPrincipal, -1, u.metadata->principal.data(),
                           static_cast<int>(u.metadata->principal.size()));
        }
      }
      for (const auto& [name, value] : u.set) {
        const std::string path = std::string(field::kAttrs) + "." + encode_attribute_name(name);
        bson_append_binary(&set, path.c_str(), static_cast<int>(path.size()), BSON_SUBTYPE_BINARY,
                           reinterpret_cast<const std::uint8_t*>(value.data()),
                           static_cast<std::uint32_t>(value.size()));
      }
      for (const auto& name : u.removed) {
        const std::string path = std::string(field::kAttrs) + "." + encode_attribute_name(name);
        bson_append_utf8(&unset, path.c_str(), static_cast<int>(path.size()), "", 0);
      }
      bson_append_document_end(update.get(), &set);
      // Some compatible servers refuse an empty operator document.
      if (!bson_empty(&unset)) BSON_APPEND_DOCUMENT(update.get(), "$unset", &unset);
      bson_destroy(&unset);
      BSON_APPEND_DOCUMENT_BEGIN(update.get(), "$inc", &inc);
      BSON_APPEND_INT64(&inc, field::kVersion, 1);
      bson_append_document_end(update.get(), &inc);

      bson_t reply;
      bson_error_t err;
      const bool ok =
          mongoc_collection_update_one(coll.get(), cond.get(), update.get(), nullptr, &reply, &err);
      const std::int64_t matched = ok ? reply_count(&reply, "matchedCount") : 0;
      bson_destroy(&reply);
      if (!ok) return translate_error(err, target_, "save");
      if (matched == 1) return {};
      // Removed, expired or changed since the read: the next read tells which.
    }
    return make_error(Errc::kConflict, "session " + short_handle(handle) + ": " +
                                           std::to_string(kMaxUpdateAttempts) +
                                           " concurrent saves in a row changed its last access; "
                                           "gave up");
  }

  Result<bool> do_remove(std::string_view handle) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr filter = id_filter(handle);
    return delete_one(coll.get(), filter.get(), "remove");
  }

  // MongoDB cannot change an _id: the document is copied to the new handle, then the old one is
  // deleted on the condition that no save changed it in between (its version `v`); otherwise the
  // copy is withdrawn and the move retried. Without multi-document transactions (FerretDB v1 has
  // none) a crash between the two steps can leave both documents; the old one then lives until it
  // expires.
  Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    auto guard = lock_session(client, old_handle);
    if (!guard) return std::move(guard).error();
    for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
      auto current = read_live(coll.get(), old_handle, now, nullptr, "change id (read)");
      if (!current) return std::move(current).error();
      if (!*current) return gone(old_handle);

      BsonPtr copy = id_filter(new_handle);
      bson_copy_to_excluding_noinit(current->get(), copy.get(), field::kId, nullptr);
      bson_error_t err;
      if (!mongoc_collection_insert_one(coll.get(), copy.get(), nullptr, nullptr, &err)) {
        return translate_error(err, target_, "change id (insert)");
      }
      BsonPtr old_filter = id_filter(old_handle);
      if (!serialize_updates_) append_same(old_filter.get(), current->get(), field::kVersion);
      auto removed = delete_one(coll.get(), old_filter.get(), "change id (delete)");
      if (removed && *removed) return {};
      BsonPtr new_filter = id_filter(new_handle);
      auto withdrawn = delete_one(coll.get(), new_filter.get(), "change id (undo)");
      if (!removed) return std::move(removed).error();
      if (!withdrawn) return std::move(withdrawn).error();
    }
    return make_error(Errc::kConflict, "session " + short_handle(old_handle) +
                                           ": changed by concurrent saves during an id change");
  }

  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                           Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr filter = principal_filter(principal);
    append_live_clause(filter.get(), now);
    BsonPtr opts = BsonPtr(BCON_NEW("projection", "{", field::kAttrs, BCON_INT32(0), "}"));
    std::vector<SessionSummary> out;
    auto r =
        for_each(coll.get(), filter.get(), opts.get(), "find by principal", [&](const bson_t* doc) {
          auto s = decode_summary(doc);
          if (s) {
            out.push_back(std::move(*s));
          } else {
            log_warning("ignoring undecodable session: " + s.error().message);
          }
        });
    if (!r) return std::move(r).error();
    return out;
  }

  // The principal index is a server index, so there are no stale entries to prune; expired
  // documents of the user are deleted on the way (not counted: they were already invisible).
  Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle,
      Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr filter = principal_filter(principal);
    append_live_clause(filter.get(), now);
    auto handles = ids_of(coll.get(), filter.get(), 0, "remove by principal (list)");
    if (!handles) return std::move(handles).error();
    std::vector<std::string> removed;
    for (const std::string& h : *handles) {
      if (keep_handle && h == *keep_handle) continue;
      BsonPtr one = id_filter(h);
      if (!serialize_updates_) {
        bson_append_utf8(one.get(), field::kPrincipal, -1, principal.data(),
                         static_cast<int>(principal.size()));
      }
      auto r = delete_one(coll.get(), one.get(), "remove by principal");
      if (!r) return std::move(r).error();
      if (*r) removed.push_back(h);
    }
    BsonPtr expired = principal_filter(principal);
    append_expired_clause(expired.get(), now);
    bson_error_t err;
    if (!mongoc_collection_delete_many(coll.get(), expired.get(), nullptr, nullptr, &err)) {
      return translate_error(err, target_, "remove by principal (expired)");
    }
    return removed;
  }

  // Deletes in batches of purge_batch: list the expired ids, delete those still expired, and
  // report exactly the ones that are gone.
  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    std::vector<std::string> purged;
    while (purged.size() < limit) {
      const std::size_t batch = std::min(purge_batch_, limit - purged.size());
      BsonPtr filter = new_bson();
      append_expired_clause(filter.get(), now);
      auto ids = ids_of(coll.get(), filter.get(), batch, "purge expired (list)");
      if (!ids) return std::move(ids).error();
      if (ids->empty()) break;
      const bool more = ids->size() == batch;  // a short listing means none are left

      BsonPtr del = new_bson();
      append_in(del.get(), *ids);
      append_expired_clause(del.get(), now);
      bson_t reply;
      bson_error_t err;
      const bool ok = mongoc_collection_delete_many(coll.get(), del.get(), nullptr, &reply, &err);
      const auto deleted = static_cast<std::size_t>(ok ? reply_count(&reply, "deletedCount") : 0);
      bson_destroy(&reply);
      if (!ok) return translate_error(err, target_, "purge expired");
      if (deleted != ids->size()) {
        // Some were touched (or deleted) concurrently: keep only those no longer there.
        BsonPtr left = new_bson();
        append_in(left.get(), *ids);
        auto remaining = ids_of(coll.get(), left.get(), 0, "purge expired (check)");
        if (!remaining) return std::move(remaining).error();
        std::erase_if(*ids, [&](const std::string& h) {
          return std::find(remaining->begin(), remaining->end(), h) != remaining->end();
        });
      }
      purged.insert(purged.end(), ids->begin(), ids->end());
      if (!more || ids->empty()) break;  // ids->empty(): nothing deletable, do not spin
    }
    return purged;
  }

  Result<std::size_t> do_count(Timestamp now) override {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr filter = new_bson();
    append_live_clause(filter.get(), now);
    bson_error_t err;
    const std::int64_t n = mongoc_collection_count_documents(coll.get(), filter.get(), nullptr,
                                                             nullptr, nullptr, &err);
    if (n < 0) return translate_error(err, target_, "count");
    return static_cast<std::size_t>(n);
  }

  // One `ping` command on a pooled connection: cheap, and it exercises authentication.
  Result<void> do_ping() override {
    PooledClient client(pool_.get());
    BsonPtr cmd = BsonPtr(BCON_NEW("ping", BCON_INT32(1)));
    bson_error_t err;
    const bool ok = mongoc_client_command_simple(client.get(), target_.database.c_str(), cmd.get(),
                                                 nullptr, nullptr, &err);
    if (!ok) return translate_error(err, target_, "ping");
    return {};
  }

 private:
  // FerretDB v1 applies an update by reading the document, changing it in Go and writing the
  // whole document back, with nothing making the read and the write one atomic step: two
  // concurrent updates of different fields of one document lose one of them. Against it (or with
  // kLockDocument) a save of a session therefore holds that session's lock: a lock document
  // shared by all processes (lock_document.h), behind an in-process mutex that keeps this
  // process's own savers from polling the server. Write filters are then the bare _id, the only
  // filter its SQLite backend pushes down to SQL (anything more is evaluated in Go over every
  // document); liveness was checked by the read under the lock. MongoDB updates a document
  // atomically: no lock, full conditional filters.
  Result<void> detect_server() {
    PooledClient client(pool_.get());
    BsonPtr cmd = BsonPtr(BCON_NEW("buildInfo", BCON_INT32(1)));
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_client_command_simple(client.get(), target_.database.c_str(), cmd.get(),
                                                 nullptr, &reply, &err);
    std::string ferretdb;
    bson_iter_t it;
    if (ok && bson_iter_init_find(&it, &reply, "ferretdbVersion") && BSON_ITER_HOLDS_UTF8(&it)) {
      ferretdb = bson_iter_utf8(&it, nullptr);
    }
    bson_destroy(&reply);
    if (!ok) return translate_error(err, target_, "buildInfo");
    if (locking_ == MongoUpdateLocking::kLockDocument) serialize_updates_ = true;
    if (locking_ == MongoUpdateLocking::kAuto &&
        (ferretdb.starts_with("v1.") || ferretdb.starts_with("1."))) {
      serialize_updates_ = true;
      static std::atomic_flag logged = ATOMIC_FLAG_INIT;
      if (!logged.test_and_set()) {
        log_warning("server at " + target_.where + " is FerretDB " + ferretdb +
                    ", whose updates are not atomic: saves of one session take a lock document "
                    "in collection " +
                    locks_collection_);
      }
    }
    return {};
  }

  // Held while one session is saved or moved when serialize_updates_: this process's lock for
  // the session, then its lock document. Releases both when destroyed.
  class SessionGuard {
   public:
    SessionGuard() = default;
    SessionGuard(std::unique_lock<std::mutex> local, CollectionPtr locks, std::string handle,
                 LockLease lease)
        : local_(std::move(local)),
          locks_(std::move(locks)),
          handle_(std::move(handle)),
          lease_(lease) {}
    SessionGuard(SessionGuard&&) = default;
    SessionGuard& operator=(SessionGuard&&) = delete;
    ~SessionGuard() {
      if (locks_) release_lock(locks_.get(), handle_, lease_);
    }

   private:
    std::unique_lock<std::mutex> local_;  // released last
    CollectionPtr locks_;
    std::string handle_;
    LockLease lease_;
  };

  Result<SessionGuard> lock_session(const PooledClient& client, std::string_view handle) {
    if (!serialize_updates_) return SessionGuard();
    // The handle is hex SHA-256: its first two digits are uniform.
    const auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    const auto stripe = static_cast<std::size_t>(hex(handle[0]) * 16 + hex(handle[1]));
    std::unique_lock<std::mutex> local(stripes_[stripe % stripes_.size()]);
    CollectionPtr locks(mongoc_client_get_collection(client.get(), target_.database.c_str(),
                                                     locks_collection_.c_str()));
    auto lease = acquire_lock(locks.get(), handle, lock_lease_, lock_wait_, target_);
    if (!lease) return std::move(lease).error();
    return SessionGuard(std::move(local), std::move(locks), std::string(handle), *lease);
  }

  CollectionPtr collection(const PooledClient& client) const {
    return CollectionPtr(mongoc_client_get_collection(client.get(), target_.database.c_str(),
                                                      target_.collection.c_str()));
  }

  static BsonPtr id_filter(std::string_view handle) {
    BsonPtr f = new_bson();
    bson_append_utf8(f.get(), field::kId, -1, handle.data(), static_cast<int>(handle.size()));
    return f;
  }

  static BsonPtr principal_filter(std::string_view principal) {
    BsonPtr f = new_bson();
    bson_append_utf8(f.get(), field::kPrincipal, -1, principal.data(),
                     static_cast<int>(principal.size()));
    return f;
  }

  static void append_expired_clause(bson_t* filter, Timestamp now) {
    bson_t lte;
    BSON_APPEND_DOCUMENT_BEGIN(filter, field::kExpireAt, &lte);
    BSON_APPEND_DATE_TIME(&lte, "$lte", to_epoch_ms(now));
    bson_append_document_end(filter, &lte);
  }

  static void append_in(bson_t* filter, const std::vector<std::string>& ids) {
    bson_t id_doc, in;
    BSON_APPEND_DOCUMENT_BEGIN(filter, field::kId, &id_doc);
    BSON_APPEND_ARRAY_BEGIN(&id_doc, "$in", &in);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string key = std::to_string(i);
      BSON_APPEND_UTF8(&in, key.c_str(), ids[i].c_str());
    }
    bson_append_array_end(&id_doc, &in);
    bson_append_document_end(filter, &id_doc);
  }

  // Runs a query and calls `fn` for each document.
  template <typename F>
  Result<void> for_each(mongoc_collection_t* coll, const bson_t* filter, const bson_t* opts,
                        std::string_view operation, F&& fn) {
    CursorPtr cursor(mongoc_collection_find_with_opts(coll, filter, opts, nullptr));
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc)) fn(doc);
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) return translate_error(err, target_, operation);
    return {};
  }

  // The document of `handle` if it is live at `now`, owned; nullptr when absent, expired or
  // undecodable (logged). The query is by _id alone and expiry is checked here, by the injected
  // clock: FerretDB v1 (SQLite) pushes only a bare {_id: ...} filter down to its primary key and
  // scans the whole collection for anything more.
  Result<BsonPtr> read_live(mongoc_collection_t* coll, std::string_view handle, Timestamp now,
                            const bson_t* opts, std::string_view operation) {
    BsonPtr filter = id_filter(handle);
    auto doc = find_one(coll, filter.get(), opts, operation);
    if (!doc || !*doc) return doc;
    auto times = decode_times(doc->get());
    if (!times) {
      log_warning("ignoring undecodable session " + short_handle(handle) + ": " +
                  times.error().message);
      return BsonPtr();
    }
    const auto at = expiry_of(times->last_accessed, times->max_inactive, times->deadline);
    if (at && now >= *at) return BsonPtr();
    return doc;
  }

  // The first document matching `filter`, owned; nullptr when none.
  Result<BsonPtr> find_one(mongoc_collection_t* coll, const bson_t* filter, const bson_t* opts,
                           std::string_view operation) {
    BsonPtr merged = new_bson();
    if (opts != nullptr) bson_concat(merged.get(), opts);
    BSON_APPEND_INT64(merged.get(), "limit", 1);
    BsonPtr found;
    auto r = for_each(coll, filter, merged.get(), operation, [&](const bson_t* doc) {
      if (!found) found.reset(bson_copy(doc));
    });
    if (!r) return std::move(r).error();
    return found;
  }

  // The _id of every document matching `filter` (at most `limit`, 0: no limit).
  Result<std::vector<std::string>> ids_of(mongoc_collection_t* coll, const bson_t* filter,
                                          std::size_t limit, std::string_view operation) {
    BsonPtr opts = BsonPtr(BCON_NEW("projection", "{", field::kId, BCON_INT32(1), "}"));
    if (limit > 0) BSON_APPEND_INT64(opts.get(), "limit", static_cast<std::int64_t>(limit));
    std::vector<std::string> ids;
    auto r = for_each(coll, filter, opts.get(), operation, [&](const bson_t* doc) {
      bson_iter_t it;
      if (bson_iter_init_find(&it, doc, field::kId) && BSON_ITER_HOLDS_UTF8(&it)) {
        ids.emplace_back(bson_iter_utf8(&it, nullptr));
      }
    });
    if (!r) return std::move(r).error();
    return ids;
  }

  Result<bool> delete_one(mongoc_collection_t* coll, const bson_t* filter,
                          std::string_view operation) {
    bson_t reply;
    bson_error_t err;
    const bool ok = mongoc_collection_delete_one(coll, filter, nullptr, &reply, &err);
    const std::int64_t deleted = ok ? reply_count(&reply, "deletedCount") : 0;
    bson_destroy(&reply);
    if (!ok) return translate_error(err, target_, operation);
    return deleted > 0;
  }

  Result<void> create_index(const char* name, const char* key, bool ttl,
                            bson_error_t* err_out = nullptr) {
    PooledClient client(pool_.get());
    CollectionPtr coll = collection(client);
    BsonPtr cmd = new_bson();
    BSON_APPEND_UTF8(cmd.get(), "createIndexes", target_.collection.c_str());
    bson_t indexes, index, keys;
    BSON_APPEND_ARRAY_BEGIN(cmd.get(), "indexes", &indexes);
    BSON_APPEND_DOCUMENT_BEGIN(&indexes, "0", &index);
    BSON_APPEND_DOCUMENT_BEGIN(&index, "key", &keys);
    BSON_APPEND_INT32(&keys, key, 1);
    bson_append_document_end(&index, &keys);
    BSON_APPEND_UTF8(&index, "name", name);
    if (ttl) BSON_APPEND_INT32(&index, "expireAfterSeconds", 0);
    bson_append_document_end(&indexes, &index);
    bson_append_array_end(cmd.get(), &indexes);
    bson_error_t err;
    const bool ok =
        mongoc_collection_write_command_with_opts(coll.get(), cmd.get(), nullptr, nullptr, &err);
    if (ok) return {};
    // 85 IndexOptionsConflict, 86 IndexKeySpecsConflict: an index on that key exists already
    // (made by an operator, or by an earlier open with other options): use it.
    if ((err.domain == MONGOC_ERROR_SERVER || err.domain == MONGOC_ERROR_QUERY) &&
        (err.code == 85 || err.code == 86)) {
      return {};
    }
    if (err_out != nullptr) *err_out = err;
    return translate_error(err, target_, std::string("create index ") + name);
  }

  Target target_;
  ClientPoolPtr pool_;
  const std::size_t purge_batch_;
  const MongoUpdateLocking locking_;
  const std::chrono::milliseconds lock_lease_;
  const std::chrono::milliseconds lock_wait_;
  const std::string locks_collection_ = target_.collection + "_locks";
  bool serialize_updates_ = false;  // set once in initialize(), before any concurrent use
  std::array<std::mutex, 64> stripes_;
};

}  // namespace
}  // namespace mongo

Result<std::unique_ptr<SessionRepository>> open_mongo_store(const MongoOptions& options) {
  auto target = mongo::resolve_target(options);
  if (!target) return std::move(target).error();
  bson_error_t err;
  mongo::ClientPoolPtr pool(mongoc_client_pool_new_with_error(target->uri.get(), &err));
  if (!pool) {
    return make_error(Errc::kInvalidArgument, "MongoDB client for " + target->where + ": " +
                                                  mongo::redact(err.message, target->password));
  }
  mongoc_client_pool_set_error_api(pool.get(), MONGOC_ERROR_API_VERSION_2);
  auto store = std::make_unique<mongo::MongoStore>(options, std::move(*target), std::move(pool));
  if (auto r = store->initialize(options.create_ttl_index); !r) return std::move(r).error();
  return std::unique_ptr<SessionRepository>(std::move(store));
}

}  // namespace sessionpp
