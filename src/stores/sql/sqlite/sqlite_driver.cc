// The SQLite driver: one file, WAL mode (readers never block the writer), a busy timeout, and
// BEGIN IMMEDIATE for writing transactions so two writers queue instead of deadlocking.

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <unordered_map>

#include "stores/sql/c_handle.h"
#include "stores/sql/driver.h"
#include "stores/sql/schema.h"

namespace sessionpp::sql {
namespace {

using DbPtr = std::unique_ptr<sqlite3, CDeleter<&sqlite3_close_v2>>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, CDeleter<&sqlite3_finalize>>;

const Dialect& sqlite_dialect() {
  static const Dialect d{
      .kind = "sqlite",
      .schema_sql = kSqliteSchemaSql,
      .schema_file = "src/stores/sql/schema/sqlite.sql",
      .begin_write = "BEGIN IMMEDIATE",
      .for_update = "",  // BEGIN IMMEDIATE already holds the database's write lock
      .upsert_attribute =
          "INSERT INTO {a} (session_id, name, value) VALUES (?, ?, ?) "
          "ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value",
      .insert_returning = true,
      .purge_batch =
          "DELETE FROM {s} WHERE id IN (SELECT id FROM {s} WHERE expires_at <= ? "
          "ORDER BY expires_at LIMIT ?) RETURNING handle",
  };
  return d;
}

std::string mode_string(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Writable for us: access(2) says so and, since root passes access(2) regardless, some write
// permission bit is set at all.
bool writable(const std::string& path, const struct stat& st) {
  return access(path.c_str(), W_OK) == 0 && (st.st_mode & 0222) != 0;
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(DbPtr db, const DriverOptions& o) : db_(std::move(db)), o_(o) {}

  Result<QueryResult> run(int id, const std::string& sql, std::span<const Param> params) override {
    auto it = stmts_.find(id);
    if (it == stmts_.end()) {
      sqlite3_stmt* raw = nullptr;
      const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      StmtPtr st(raw);
      if (rc != SQLITE_OK) return fail(rc);
      it = stmts_.emplace(id, std::move(st)).first;
    }
    sqlite3_stmt* st = it->second.get();
    // Leave the statement reset whatever happens, so it holds no read snapshot.
    struct Reset {
      sqlite3_stmt* st;
      ~Reset() {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
      }
    } reset{st};
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      const int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      switch (p.kind) {
        case Param::Kind::kNull:
          rc = sqlite3_bind_null(st, idx);
          break;
        case Param::Kind::kInt:
          rc = sqlite3_bind_int64(st, idx, p.i);
          break;
        case Param::Kind::kText:
          rc = sqlite3_bind_text(st, idx, p.s.empty() ? "" : p.s.data(),
                                 static_cast<int>(p.s.size()), SQLITE_STATIC);
          break;
        case Param::Kind::kBytes:
          // A null pointer would bind NULL; an empty value is a zero-length blob.
          rc = sqlite3_bind_blob(st, idx, p.s.empty() ? "" : p.s.data(),
                                 static_cast<int>(p.s.size()), SQLITE_STATIC);
          break;
      }
      if (rc != SQLITE_OK) return fail(rc);
    }
    QueryResult out;
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(rc);
      const int cols = sqlite3_column_count(st);
      Row row(cols);
      for (int c = 0; c < cols; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_NULL:
            break;
          case SQLITE_INTEGER:
            row[c] = std::to_string(sqlite3_column_int64(st, c));
            break;
          default: {
            const void* data = sqlite3_column_blob(st, c);
            const int len = sqlite3_column_bytes(st, c);
            row[c] = data == nullptr ? std::string()
                                     : std::string(static_cast<const char*>(data),
                                                   static_cast<std::size_t>(len));
          }
        }
      }
      out.rows.push_back(std::move(row));
    }
    out.affected = static_cast<std::uint64_t>(sqlite3_changes64(db_.get()));
    out.insert_id = sqlite3_last_insert_rowid(db_.get());
    return out;
  }

  Result<void> exec(const std::string& sql) override {
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(rc);
    return {};
  }

  bool opened_read_only() { return sqlite3_db_readonly(db_.get(), "main") == 1; }

 private:
  // Every SQLite failure is translated here.
  Error fail(int rc) {
    const int ext = sqlite3_extended_errcode(db_.get());
    const std::string where = "SQLite database '" + o_.name + "' (" + o_.url.path + "): ";
    const std::string msg = sqlite3_errmsg(db_.get());
    switch (rc & 0xff) {
      case SQLITE_BUSY:
        if (ext == SQLITE_BUSY_SNAPSHOT) {
          retryable_ = true;
          return make_error(Errc::kConflict, where + msg);
        }
        return make_error(Errc::kTimeout, where + msg +
                                              " (busy for longer than "
                                              "SqlStoreOptions.statement_timeout = " +
                                              std::to_string(o_.statement_timeout_ms) + " ms)");
      case SQLITE_LOCKED:
        retryable_ = true;
        return make_error(Errc::kConflict, where + msg);
      case SQLITE_READONLY:
        return make_error(Errc::kReadOnly, where + "read-only: " + msg);
      case SQLITE_PERM:
      case SQLITE_AUTH:
        return make_error(Errc::kReadOnly, where + "write not permitted: " + msg);
      case SQLITE_CANTOPEN:
      case SQLITE_IOERR:
      case SQLITE_FULL:
        return make_error(Errc::kUnavailable, where + msg);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return make_error(Errc::kCorrupt, where + msg);
      case SQLITE_CONSTRAINT:
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
          return make_error(Errc::kConflict, where + "already exists: " + msg);
        }
        return make_error(Errc::kInternal, where + msg + " [" + std::to_string(ext) + "]");
      case SQLITE_TOOBIG:
      case SQLITE_MISMATCH:
        return make_error(Errc::kInvalidArgument, where + msg);
      default:
        return make_error(Errc::kInternal, where + msg + " [" + std::to_string(ext) + "]");
    }
  }

  DbPtr db_;
  const DriverOptions& o_;
  std::unordered_map<int, StmtPtr> stmts_;  // finalized before db_ closes (declared after it)
};

class SqliteDriver final : public Driver {
 public:
  explicit SqliteDriver(DriverOptions o) : o_(std::move(o)) {
    if (const std::string* mode = o_.url.param("mode")) read_only_ = *mode == "ro";
  }

  const Dialect& dialect() const noexcept override { return sqlite_dialect(); }

  Result<std::unique_ptr<Connection>> connect() override {
    const std::string& path = o_.url.path;
    const std::string where = "SQLite database '" + o_.name + "' (" + path + ")";
    for (const auto& [k, v] : o_.url.params) {
      if (k != "mode" || (v != "ro" && v != "rw" && v != "rwc")) {
        return make_error(Errc::kInvalidArgument,
                          where + ": unknown URL option '" + k + "=" + v +
                              "' (SQLite takes mode=ro, mode=rw or mode=rwc)");
      }
    }
    const std::string folder = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    struct stat st {};
    if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return make_error(Errc::kInvalidArgument, where + ": folder " + folder + " does not exist");
    }
    // Refuse read-only files and folders before SQLite gets a chance to open, or even create,
    // anything (root would be let through by the kernel).
    if (!read_only_) {
      if (!writable(folder, st)) {
        return make_error(Errc::kReadOnly, where + " is read-only: folder " + folder +
                                               " is not writable (mode " + mode_string(st.st_mode) +
                                               "); SQLite creates its -wal and -shm files there");
      }
      struct stat fst {};
      if (stat(path.c_str(), &fst) == 0 && !writable(path, fst)) {
        return make_error(Errc::kReadOnly, where +
                                               " is read-only: the file is not writable "
                                               "(mode " +
                                               mode_string(fst.st_mode) + ")");
      }
    }
    sqlite3* raw = nullptr;
    const int flags =
        (read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
        SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK) {
      return make_error(Errc::kUnavailable,
                        "cannot open " + where + ": " +
                            (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), static_cast<int>(o_.statement_timeout_ms));
    auto c = std::make_unique<SqliteConnection>(std::move(db), o_);
    const char* setup = read_only_ ? "PRAGMA foreign_keys = ON"
                                   : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                                     "PRAGMA foreign_keys = ON";
    if (auto r = c->exec(setup); !r) return std::move(r).error();
    return std::unique_ptr<Connection>(std::move(c));
  }

  Result<void> check_writable(Connection& c) override {
    if (read_only_ || static_cast<SqliteConnection&>(c).opened_read_only()) {
      return make_error(Errc::kReadOnly, "SQLite database '" + o_.name + "' (" + o_.url.path +
                                             ") is opened read-only (mode=ro in its URL)");
    }
    return {};
  }

  // Writers are serialized by the file lock already: no purge lock is needed.
  Result<bool> lock(Connection&, std::string_view, bool) override { return true; }
  Result<void> unlock(Connection&, std::string_view) override { return {}; }

 private:
  DriverOptions o_;
  bool read_only_ = false;
};

}  // namespace

std::unique_ptr<Driver> make_sqlite_driver(DriverOptions options) {
  return std::make_unique<SqliteDriver>(std::move(options));
}

}  // namespace sessionpp::sql
