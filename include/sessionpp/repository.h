#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sessionpp/clock.h"
#include "sessionpp/result.h"
#include "sessionpp/session.h"
#include "sessionpp/session_id.h"

namespace sessionpp {

// How sessions behave, whatever the store. Every store's options carry one of these.
struct SessionPolicy {
  // Idle timeout given to new sessions. < 0: never expire; 0: expire at once.
  // Default: 30 minutes.
  Duration max_inactive = std::chrono::minutes(30);
  // Hard lifetime from creation, whatever the activity. Default: none.
  std::optional<Duration> absolute_lifetime;
  // A read-only request writes the session only when the stored last access is at least this
  // old. 0: automatic, a tenth of the session's timeout, at most 60 s. Default: 0.
  Duration touch_interval{0};
  // Largest attribute value in bytes. Default: 64 KiB.
  std::size_t max_value_bytes = kDefaultMaxValueBytes;
  // Source of "now". Default (null): the system clock.
  std::shared_ptr<const Clock> clock;
};

// The touch interval that applies to a session with this timeout under `policy`.
Duration touch_interval_for(const SessionPolicy& policy, Duration max_inactive) noexcept;

// What admin listings show of a session: never its id.
struct SessionSummary {
  std::string handle;
  std::string principal;
  Timestamp created{};
  Timestamp last_accessed{};
  std::optional<Timestamp> expires_at;  // nullopt: never
};

// Told about session lifecycle changes. Called synchronously on the thread that made the change
// (expired: the store's sweeper or the caller of purge_expired); must not block and must not call
// back into the repository.
class SessionEventListener {
 public:
  virtual ~SessionEventListener() = default;
  virtual void on_created(std::string_view /*handle*/) {}
  virtual void on_deleted(std::string_view /*handle*/) {}
  virtual void on_expired(std::string_view /*handle*/) {}
  virtual void on_id_changed(std::string_view /*old_handle*/, std::string_view /*new_handle*/) {}
};

// What a save of an existing session writes: the delta and the new last access.
struct SessionUpdate {
  // Stores keep max(stored, this): last access never moves backwards.
  Timestamp last_accessed{};
  // Set when principal, timeout or deadline changed: written as a whole.
  // Otherwise the stored values stay.
  const SessionData* metadata = nullptr;
  // Always set: the session as the caller holds it (its principal, timeout and deadline as
  // loaded or changed). Stores may use it to maintain their indexes in the same round trip; the
  // stored record stays the authority for what `metadata` does not change.
  const SessionData* session = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> set;  // name, value
  std::vector<std::string_view> removed;
};

// The repository every store implements: sessions keyed by handle, delta saves, no resurrection.
// The public calls do the shared work (id checks, hashing, expiry, touch throttling, validation,
// events) once for all stores, and call the store's do_* primitives.
//
// Thread safety: safe for concurrent access without external synchronization.
class SessionRepository {
 public:
  explicit SessionRepository(SessionPolicy policy);
  virtual ~SessionRepository();
  SessionRepository(const SessionRepository&) = delete;
  SessionRepository& operator=(const SessionRepository&) = delete;

  // A short name of the store kind: "memory", "redis", "postgresql", ...
  virtual std::string_view kind() const noexcept = 0;

  // A new, unsaved session with a fresh id and the policy's timeouts. No store call.
  Session create() const;

  // Writes what changed: a new session whole; an existing one only its delta and last access.
  // A session that only was read writes nothing unless its stored last access is at least the
  // touch interval old. Errors: kGone when the stored session no longer exists (logged out,
  // revoked, expired) - nothing is written then; kInvalidArgument for a bad attribute;
  // kUnavailable / kTimeout from the store.
  Result<void> save(Session& session);

  // The live session with this raw id (its last access raised to now in memory), or nullopt when
  // unknown or expired. A malformed id is nullopt without a store call.
  Result<std::optional<Session>> find(std::string_view raw_id);
  // Like find, by handle (admin tools). The session has no id. A malformed handle is nullopt.
  Result<std::optional<Session>> find_by_handle(std::string_view handle);

  // Deletes the session; true when it existed.
  Result<bool> remove(const Session& session);
  Result<bool> remove_by_handle(std::string_view handle);

  // Gives the session a new id, keeping its data: the old id stops working at once. A new
  // (unsaved) session just gets a new id. kGone when the stored session no longer exists.
  // REQUIRES: session.id() is set.
  Result<void> change_id(Session& session);

  // The live sessions of a user, oldest first, pruning stale index entries on the way.
  Result<std::vector<SessionSummary>> find_by_principal(std::string_view principal);
  // Deletes the sessions of a user except `keep_handle`; returns how many were deleted.
  Result<std::size_t> remove_by_principal(std::string_view principal,
                                          std::optional<std::string_view> keep_handle = {});

  // Deletes up to `limit` expired sessions and the index entries they leave; returns the count.
  Result<std::size_t> purge_expired(std::size_t limit = 1000);
  // How many live sessions the store holds (may include expired ones not yet purged, per store).
  Result<std::size_t> count();
  // Ok when the store is reachable and answers.
  Result<void> ping();

  // Adds a listener for the lifetime of the repository.
  void add_listener(std::shared_ptr<SessionEventListener> listener);

  const SessionPolicy& policy() const noexcept { return policy_; }
  Timestamp now() const { return clock_->now(); }

 protected:
  // The primitives each store implements. Handles are valid (64 lowercase hex). `now` comes from
  // the injected clock. Stores treat an expired record as absent everywhere.

  // The record, or nullopt when absent or expired at `now`.
  virtual Result<std::optional<SessionData>> do_load(std::string_view handle, Timestamp now) = 0;
  // Stores a new session whole.
  virtual Result<void> do_insert(std::string_view handle, const SessionData& data) = 0;
  // Applies `update` atomically: kGone (writing nothing) when the record is absent or expired.
  // The new expiry follows from the resulting last access, timeout and deadline.
  virtual Result<void> do_update(std::string_view handle, const SessionUpdate& update,
                                 Timestamp now) = 0;
  virtual Result<bool> do_remove(std::string_view handle) = 0;
  // Moves the record to `new_handle` atomically; kGone when absent or expired.
  virtual Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                        Timestamp now) = 0;
  virtual Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                                   Timestamp now) = 0;
  // Returns the handles it removed.
  virtual Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle, Timestamp now) = 0;
  // Returns the handles it purged.
  virtual Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) = 0;
  virtual Result<std::size_t> do_count(Timestamp now) = 0;
  virtual Result<void> do_ping() = 0;

  // For stores that learn of changes on their own (a sweeper, keyspace notifications).
  void emit_expired(std::string_view handle);
  void emit_deleted(std::string_view handle);
  const Clock& clock() const noexcept { return *clock_; }

 private:
  template <typename F>
  void emit(F&& f);
  Result<std::optional<Session>> load(std::optional<SessionId> id, std::string handle);

  SessionPolicy policy_;
  std::shared_ptr<const Clock> clock_;
  std::mutex listeners_mu_;
  std::vector<std::shared_ptr<SessionEventListener>> listeners_;  // GUARDED_BY(listeners_mu_)
};

}  // namespace sessionpp
