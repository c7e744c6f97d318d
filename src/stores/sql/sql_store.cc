#include "sessionpp/sql_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <utility>

#include "stores/sql/driver.h"
#include "stores/sql/pool.h"
#include "stores/sql/schema.h"
#include "stores/sql/url.h"

namespace sessionpp::sql {
namespace {

// Longest principal every dialect stores (MySQL: VARBINARY(1024)).
constexpr std::size_t kMaxPrincipalBytes = 1024;

// The store's statements. Ids index `SqlStore::sql_`; schema.cc uses 100+, drivers 200+.
enum Stmt : int {
  kLoad,
  kInsertSession,
  kInsertAttribute,
  kLockSession,
  kUpdateMetadata,
  kUpdateTouch,
  kUpsertAttribute,
  kDeleteAttribute,
  kDeleteByHandle,
  kChangeHandle,
  kFindByPrincipal,
  kLockByPrincipal,
  kDeleteById,
  kSelectExpired,
  kDeleteExpiredById,
  kPurgeBatch,
  kCount,
  kPing,
  kStmtCount
};

std::array<std::string, kStmtCount> build_statements(const Dialect& d, const TableNames& t) {
  std::array<std::string, kStmtCount> s;
  const std::string live = "(expires_at IS NULL OR expires_at > ?)";
  // Expiry is checked on the returned expires_at rather than in the WHERE clause: an OR over
  // an indexed column makes MariaDB re-plan a range on every execution of this hottest query.
  s[kLoad] =
      "SELECT s.id, s.created, s.last_accessed, s.max_inactive, s.absolute_deadline, "
      "s.principal, s.expires_at, a.name, a.value FROM {s} s "
      "LEFT JOIN {a} a ON a.session_id = s.id WHERE s.handle = ?";
  s[kInsertSession] =
      "INSERT INTO {s} (handle, created, last_accessed, max_inactive, absolute_deadline, "
      "expires_at, principal) VALUES (?, ?, ?, ?, ?, ?, ?)";
  if (d.insert_returning) s[kInsertSession] += " RETURNING id";
  s[kInsertAttribute] = "INSERT INTO {a} (session_id, name, value) VALUES (?, ?, ?)";
  s[kLockSession] =
      "SELECT id, last_accessed, max_inactive, absolute_deadline, expires_at "
      "FROM {s} WHERE handle = ?" +
      std::string(d.for_update);
  s[kUpdateMetadata] =
      "UPDATE {s} SET last_accessed = ?, max_inactive = ?, absolute_deadline = ?, "
      "expires_at = ?, principal = ? WHERE id = ?";
  s[kUpdateTouch] = "UPDATE {s} SET last_accessed = ?, expires_at = ? WHERE id = ?";
  s[kUpsertAttribute] = std::string(d.upsert_attribute);
  s[kDeleteAttribute] = "DELETE FROM {a} WHERE session_id = ? AND name = ?";
  s[kDeleteByHandle] = "DELETE FROM {s} WHERE handle = ?";
  s[kChangeHandle] = "UPDATE {s} SET handle = ? WHERE handle = ? AND " + live;
  s[kFindByPrincipal] =
      "SELECT handle, created, last_accessed, expires_at FROM {s} WHERE principal = ? AND " + live +
      " ORDER BY created, handle";
  s[kLockByPrincipal] = "SELECT id, handle, expires_at FROM {s} WHERE principal = ? ORDER BY id" +
                        std::string(d.for_update);
  s[kDeleteById] = "DELETE FROM {s} WHERE id = ?";
  s[kSelectExpired] =
      "SELECT id, handle FROM {s} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?";
  s[kDeleteExpiredById] = "DELETE FROM {s} WHERE id = ? AND expires_at <= ?";
  s[kPurgeBatch] = std::string(d.purge_batch);
  s[kCount] = "SELECT COUNT(*) FROM {s} WHERE " + live;
  s[kPing] = "SELECT 1";
  for (auto& stmt : s) stmt = expand(stmt, t);
  return s;
}

std::optional<std::int64_t> to_int(const Cell& c) {
  if (!c) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
  if (ec != std::errc() || p != c->data() + c->size()) return std::nullopt;
  return v;
}

Param opt_int(std::optional<Timestamp> t) {
  return t ? Param::integer(to_epoch_ms(*t)) : Param::null();
}

Error gone(std::string_view handle) {
  return make_error(Errc::kGone,
                    "session " + std::string(handle.substr(0, 12)) + "... no longer exists");
}

Result<void> check_principal(const std::string& principal) {
  if (principal.size() > kMaxPrincipalBytes) {
    return make_error(Errc::kInvalidArgument, "the principal is " +
                                                  std::to_string(principal.size()) +
                                                  " bytes; the SQL store holds at most " +
                                                  std::to_string(kMaxPrincipalBytes));
  }
  return {};
}

Param principal_param(const std::string& principal) {
  return principal.empty() ? Param::null() : Param::text(principal);
}

// Rolls back an open transaction unless committed; never on a dead connection.
class Tx {
 public:
  explicit Tx(Connection& c) : c_(c) {}
  ~Tx() {
    if (open_ && !c_.broken()) (void)c_.exec("ROLLBACK");
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  Result<void> begin(std::string_view sql) {
    auto r = c_.exec(std::string(sql));
    open_ = r.ok();
    return r;
  }
  Result<void> commit() {
    open_ = false;
    return c_.exec("COMMIT");
  }

 private:
  Connection& c_;
  bool open_ = false;
};

class SqlStore final : public SessionRepository {
 public:
  SqlStore(const SqlStoreOptions& o, std::unique_ptr<Driver> driver, std::string db_name)
      : SessionRepository(o.policy),
        driver_(std::move(driver)),
        dialect_(driver_->dialect()),
        tables_(o.table_prefix),
        sql_(build_statements(dialect_, tables_)),
        pool_(*driver_, o.pool.size, o.pool.wait_timeout),
        db_name_(std::move(db_name)),
        purge_batch_(o.purge_batch),
        max_retries_(o.max_retries),
        purge_lock_key_("purge:" + o.table_prefix) {}

  std::string_view kind() const noexcept override { return dialect_.kind; }

  // Connects once and prepares the schema (see schema.h).
  Result<void> init(bool create_schema) {
    auto lease = pool_.acquire();
    if (!lease) return std::move(lease).error();
    return prepare_schema(*driver_, **lease, tables_, create_schema, db_name_);
  }

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view handle, Timestamp now) override {
    return run<std::optional<SessionData>>(
        [&](Connection& c) -> Result<std::optional<SessionData>> {
          const Param p[] = {Param::text(handle)};
          auto r = exec(c, kLoad, p);
          if (!r) return std::move(r).error();
          if (r->rows.empty()) return std::optional<SessionData>();
          const Row& first = r->rows.front();
          if (first[6] && to_epoch_ms(now) >= to_int(first[6]).value_or(0)) {
            return std::optional<SessionData>();  // expired: absent, purged or not
          }
          const auto created = to_int(first[1]);
          const auto last = to_int(first[2]);
          const auto max_inactive = to_int(first[3]);
          if (!created || !last || !max_inactive || (first[4] && !to_int(first[4]))) {
            // An undecodable row is absent (a permanent error for this user helps nobody).
            std::fprintf(stderr,
                         "sessionpp: %s: session %.12s... has an undecodable row; "
                         "treated as absent\n",
                         db_name_.c_str(), std::string(handle).c_str());
            return std::optional<SessionData>();
          }
          SessionData d;
          d.created = from_epoch_ms(*created);
          d.last_accessed = from_epoch_ms(*last);
          d.max_inactive = Duration(*max_inactive);
          if (first[4]) d.absolute_deadline = from_epoch_ms(*to_int(first[4]));
          if (first[5]) d.principal = *first[5];
          for (Row& row : r->rows) {
            if (row[7] && row[8]) d.attributes.emplace(std::move(*row[7]), std::move(*row[8]));
          }
          return std::optional<SessionData>(std::move(d));
        });
  }

  Result<void> do_insert(std::string_view handle, const SessionData& d) override {
    if (auto r = check_principal(d.principal); !r) return r;
    const auto expires = expiry_of(d.last_accessed, d.max_inactive, d.absolute_deadline);
    return run<void>([&](Connection& c) -> Result<void> {
      Tx tx(c);
      if (auto r = tx.begin(dialect_.begin_write); !r) return r;
      const Param p[] = {Param::text(handle),
                         Param::integer(to_epoch_ms(d.created)),
                         Param::integer(to_epoch_ms(d.last_accessed)),
                         Param::integer(d.max_inactive.count()),
                         opt_int(d.absolute_deadline),
                         opt_int(expires),
                         principal_param(d.principal)};
      auto ins = exec(c, kInsertSession, p);
      if (!ins) return std::move(ins).error();
      std::int64_t id = ins->insert_id;
      if (dialect_.insert_returning) {
        const auto returned = ins->rows.empty() ? std::nullopt : to_int(ins->rows[0][0]);
        if (!returned) return make_error(Errc::kInternal, "INSERT returned no session id");
        id = *returned;
      }
      for (const auto& [name, value] : d.attributes) {
        const Param a[] = {Param::integer(id), Param::bytes(name), Param::bytes(value)};
        if (auto r = exec(c, kInsertAttribute, a); !r) return std::move(r).error();
      }
      return tx.commit();
    });
  }

  Result<void> do_update(std::string_view handle, const SessionUpdate& u, Timestamp now) override {
    if (u.metadata != nullptr) {
      if (auto r = check_principal(u.metadata->principal); !r) return r;
    }
    return run<void>([&](Connection& c) -> Result<void> {
      Tx tx(c);
      if (auto r = tx.begin(dialect_.begin_write); !r) return r;
      // Lock the row first: concurrent saves of one session queue here, and every transaction
      // takes its locks in the same order (session row, then its attributes), so two saves
      // never deadlock each other.
      const Param key[] = {Param::text(handle)};
      auto locked = exec(c, kLockSession, key);
      if (!locked) return std::move(locked).error();
      if (locked->rows.empty()) return gone(handle);
      const Row& row = locked->rows.front();
      const auto id = to_int(row[0]);
      const auto stored_last = to_int(row[1]);
      auto max_inactive = to_int(row[2]);
      if (!id || !stored_last || !max_inactive) return gone(handle);
      std::optional<Timestamp> deadline;
      if (row[3]) deadline = from_epoch_ms(to_int(row[3]).value_or(0));
      if (row[4] && to_epoch_ms(now) >= to_int(row[4]).value_or(0)) return gone(handle);

      // last_accessed = GREATEST(stored, new), computed under the row lock.
      const Timestamp last = std::max(from_epoch_ms(*stored_last), u.last_accessed);
      if (u.metadata != nullptr) {
        max_inactive = u.metadata->max_inactive.count();
        deadline = u.metadata->absolute_deadline;
      }
      const auto expires = expiry_of(last, Duration(*max_inactive), deadline);
      Result<QueryResult> upd = Error{};
      if (u.metadata != nullptr) {
        const Param p[] = {Param::integer(to_epoch_ms(last)),
                           Param::integer(*max_inactive),
                           opt_int(deadline),
                           opt_int(expires),
                           principal_param(u.metadata->principal),
                           Param::integer(*id)};
        upd = exec(c, kUpdateMetadata, p);
      } else {
        const Param p[] = {Param::integer(to_epoch_ms(last)), opt_int(expires),
                           Param::integer(*id)};
        upd = exec(c, kUpdateTouch, p);
      }
      if (!upd) return std::move(upd).error();
      for (const auto& [name, value] : u.set) {
        const Param p[] = {Param::integer(*id), Param::bytes(name), Param::bytes(value)};
        if (auto r = exec(c, kUpsertAttribute, p); !r) return std::move(r).error();
      }
      for (const auto& name : u.removed) {
        const Param p[] = {Param::integer(*id), Param::bytes(name)};
        if (auto r = exec(c, kDeleteAttribute, p); !r) return std::move(r).error();
      }
      return tx.commit();
    });
  }

  Result<bool> do_remove(std::string_view handle) override {
    return run<bool>([&](Connection& c) -> Result<bool> {
      const Param p[] = {Param::text(handle)};
      auto r = exec(c, kDeleteByHandle, p);
      if (!r) return std::move(r).error();
      return r->affected > 0;
    });
  }

  Result<void> do_change_handle(std::string_view old_handle, std::string_view new_handle,
                                Timestamp now) override {
    // The primary id stays: attribute rows are not touched.
    return run<void>([&](Connection& c) -> Result<void> {
      const Param p[] = {Param::text(new_handle), Param::text(old_handle),
                         Param::integer(to_epoch_ms(now))};
      auto r = exec(c, kChangeHandle, p);
      if (!r) return std::move(r).error();
      if (r->affected == 0) return gone(old_handle);
      return {};
    });
  }

  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view principal,
                                                           Timestamp now) override {
    return run<std::vector<SessionSummary>>(
        [&](Connection& c) -> Result<std::vector<SessionSummary>> {
          const Param p[] = {Param::text(principal), Param::integer(to_epoch_ms(now))};
          auto r = exec(c, kFindByPrincipal, p);
          if (!r) return std::move(r).error();
          std::vector<SessionSummary> out;
          out.reserve(r->rows.size());
          for (Row& row : r->rows) {
            const auto created = to_int(row[1]);
            const auto last = to_int(row[2]);
            if (!row[0] || !created || !last) continue;
            SessionSummary s{.handle = std::move(*row[0]),
                             .principal = std::string(principal),
                             .created = from_epoch_ms(*created),
                             .last_accessed = from_epoch_ms(*last),
                             .expires_at = std::nullopt};
            if (row[3]) s.expires_at = from_epoch_ms(to_int(row[3]).value_or(0));
            out.push_back(std::move(s));
          }
          return out;
        });
  }

  Result<std::vector<std::string>> do_remove_by_principal(
      std::string_view principal, std::optional<std::string_view> keep_handle,
      Timestamp now) override {
    return run<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
      Tx tx(c);
      if (auto r = tx.begin(dialect_.begin_write); !r) return std::move(r).error();
      const Param p[] = {Param::text(principal)};
      auto rows = exec(c, kLockByPrincipal, p);
      if (!rows) return std::move(rows).error();
      std::vector<std::string> removed;
      for (const Row& row : rows->rows) {
        if (!row[0] || !row[1]) continue;
        if (keep_handle && *row[1] == *keep_handle) continue;
        const Param d[] = {Param::integer(to_int(row[0]).value_or(-1))};
        auto del = exec(c, kDeleteById, d);
        if (!del) return std::move(del).error();
        const bool live = !row[2] || to_epoch_ms(now) < to_int(row[2]).value_or(0);
        if (del->affected > 0 && live) removed.push_back(*row[1]);
      }
      if (auto r = tx.commit(); !r) return std::move(r).error();
      return removed;
    });
  }

  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    if (limit == 0) return std::vector<std::string>();
    return run<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
      std::vector<std::string> purged;
      // One node at a time: the others find the lock taken and leave the work to its holder.
      auto locked = driver_->lock(c, purge_lock_key_, /*wait=*/false);
      if (!locked) return std::move(locked).error();
      if (!*locked) return purged;
      Result<void> status;
      while (purged.size() < limit) {
        const auto batch = std::min(purge_batch_, limit - purged.size());
        auto n = purge_batch(c, now, batch, purged);
        if (!n) {
          status = std::move(n).error();
          break;
        }
        if (*n < batch) break;
      }
      if (!c.broken()) (void)driver_->unlock(c, purge_lock_key_);
      // What was deleted before a failure stays deleted: report it rather than the failure.
      if (!status && purged.empty()) return std::move(status).error();
      return purged;
    });
  }

  Result<std::size_t> do_count(Timestamp now) override {
    return run<std::size_t>([&](Connection& c) -> Result<std::size_t> {
      const Param p[] = {Param::integer(to_epoch_ms(now))};
      auto r = exec(c, kCount, p);
      if (!r) return std::move(r).error();
      const auto n = r->rows.empty() ? std::nullopt : to_int(r->rows[0][0]);
      if (!n) return make_error(Errc::kInternal, "COUNT(*) returned no number");
      return static_cast<std::size_t>(*n);
    });
  }

  Result<void> do_ping() override {
    return run<void>([&](Connection& c) -> Result<void> {
      auto r = exec(c, kPing, {});
      if (!r) return std::move(r).error();
      return {};
    });
  }

 private:
  Result<QueryResult> exec(Connection& c, Stmt id, std::span<const Param> params) {
    return c.run(id, sql_[id], params);
  }

  // Runs `body` on a pooled connection. A body that lost a deadlock or a serialization conflict
  // runs again, up to max_retries times. A body that failed on a connection found dead after it
  // sat idle (the server restarted meanwhile) runs once more on a fresh connection.
  template <typename T, typename F>
  Result<T> run(F&& body) {
    bool healed = false;
    for (int attempt = 0;;) {
      auto lease = pool_.acquire();
      if (!lease) return std::move(lease).error();
      Connection& c = **lease;
      c.reset_failure();
      Result<T> r = body(c);
      if (r.ok()) return r;
      if (c.broken() && lease->reused() && !healed) {
        healed = true;
        continue;
      }
      if (c.retryable()) {
        if (attempt < max_retries_) {
          ++attempt;
          continue;
        }
        Error e = std::move(r).error();
        e.code = Errc::kConflict;
        e.message += " (gave up after " + std::to_string(max_retries_) +
                     " retries, SqlStoreOptions.max_retries)";
        return e;
      }
      return r;
    }
  }

  // Deletes up to `batch` expired sessions, appending their handles; returns how many it found.
  Result<std::size_t> purge_batch(Connection& c, Timestamp now, std::size_t batch,
                                  std::vector<std::string>& purged) {
    const auto now_ms = to_epoch_ms(now);
    const auto n = static_cast<std::int64_t>(batch);
    for (int attempt = 0;; ++attempt) {
      c.reset_failure();
      Result<std::size_t> r = Error{};
      if (!dialect_.purge_batch.empty()) {
        // One statement deletes the batch (and, by cascade, its attributes).
        const Param p[] = {Param::integer(now_ms), Param::integer(n)};
        auto del = exec(c, kPurgeBatch, p);
        if (del) {
          for (Row& row : del->rows) {
            if (row[0]) purged.push_back(std::move(*row[0]));
          }
          r = del->rows.size();
        } else {
          r = std::move(del).error();
        }
      } else {
        // Select without locking, then delete row by row by primary key, each statement its
        // own transaction: no gap locks, no lock held across rows, nothing to deadlock with.
        const Param p[] = {Param::integer(now_ms), Param::integer(n)};
        auto sel = exec(c, kSelectExpired, p);
        if (sel) {
          for (Row& row : sel->rows) {
            const Param d[] = {Param::integer(to_int(row[0]).value_or(-1)), Param::integer(now_ms)};
            auto del = exec(c, kDeleteExpiredById, d);
            if (!del) {
              sel = std::move(del).error();
              break;
            }
            if (del->affected > 0 && row[1]) purged.push_back(std::move(*row[1]));
          }
        }
        if (sel) {
          r = sel->rows.size();
        } else {
          r = std::move(sel).error();
        }
      }
      if (r || !c.retryable() || attempt >= max_retries_) return r;
    }
  }

  std::unique_ptr<Driver> driver_;
  const Dialect& dialect_;
  const TableNames tables_;
  const std::array<std::string, kStmtCount> sql_;
  Pool pool_;
  const std::string db_name_;
  const std::size_t purge_batch_;
  const int max_retries_;
  const std::string purge_lock_key_;
};

bool valid_prefix(const std::string& p) {
  if (p.size() > 32) return false;
  return std::all_of(p.begin(), p.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
  });
}

Result<std::unique_ptr<SqlStore>> open_store(const SqlStoreOptions& o) {
  auto url = parse_db_url(o.url);
  if (!url) return std::move(url).error();
  if (!o.password.empty()) url->password = o.password;
  if (!valid_prefix(o.table_prefix)) {
    return make_error(Errc::kInvalidArgument, "SqlStoreOptions.table_prefix '" + o.table_prefix +
                                                  "' must be at most 32 letters, digits or '_'");
  }
  if (o.pool.size == 0) {
    return make_error(Errc::kInvalidArgument, "SqlStoreOptions.pool.size must be > 0");
  }
  if (o.purge_batch == 0) {
    return make_error(Errc::kInvalidArgument, "SqlStoreOptions.purge_batch must be > 0");
  }
  if (o.max_retries < 0) {
    return make_error(Errc::kInvalidArgument, "SqlStoreOptions.max_retries must be >= 0");
  }
  if (o.connect_timeout.count() <= 0 || o.statement_timeout.count() <= 0) {
    return make_error(Errc::kInvalidArgument,
                      "SqlStoreOptions.connect_timeout and statement_timeout must be > 0");
  }
  DriverOptions d;
  d.name = o.name.empty() ? url->redacted : o.name;
  d.connect_timeout_ms = o.connect_timeout.count();
  d.statement_timeout_ms = o.statement_timeout.count();
  const DbUrl::Scheme scheme = url->scheme;
  d.url = std::move(*url);
  std::string name = d.name;
  std::unique_ptr<Driver> driver;
  switch (scheme) {
    case DbUrl::Scheme::kPostgres:
      driver = make_postgres_driver(std::move(d));
      break;
    case DbUrl::Scheme::kMysql:
      driver = make_mysql_driver(std::move(d));
      break;
    case DbUrl::Scheme::kSqlite:
      driver = make_sqlite_driver(std::move(d));
      break;
  }
  auto store = std::make_unique<SqlStore>(o, std::move(driver), std::move(name));
  if (auto r = store->init(o.create_schema); !r) return std::move(r).error();
  return store;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace sessionpp::sql

namespace sessionpp {

Result<std::unique_ptr<SessionRepository>> open_sql_store(const SqlStoreOptions& options) {
  auto store = sql::open_store(options);
  if (!store) return std::move(store).error();
  return std::unique_ptr<SessionRepository>(std::move(*store));
}

Result<void> check_sql_writable(const SqlStoreOptions& options) {
  auto store = sql::open_store(options);
  if (!store) return std::move(store).error();
  return {};
}

}  // namespace sessionpp
