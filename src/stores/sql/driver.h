#pragma once

// The small interface the three SQL drivers implement. Everything above it (statements,
// transactions, retries, purge, schema) is written once in sql_store.cc, schema.cc and pool.cc.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/result.h"
#include "stores/sql/url.h"

namespace sessionpp::sql {

// One bound parameter. Text and bytes are views: the caller keeps them alive for the call.
struct Param {
  enum class Kind { kNull, kInt, kText, kBytes };
  Kind kind = Kind::kNull;
  std::int64_t i = 0;
  std::string_view s;

  static Param null() { return {}; }
  static Param integer(std::int64_t v) { return {Kind::kInt, v, {}}; }
  static Param text(std::string_view v) { return {Kind::kText, 0, v}; }
  static Param bytes(std::string_view v) { return {Kind::kBytes, 0, v}; }
};

// A result cell: nullopt for SQL NULL; integers arrive as decimal text, everything else as the
// stored bytes.
using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

struct QueryResult {
  std::vector<Row> rows;
  std::uint64_t affected = 0;  // rows changed (MySQL: rows matched, CLIENT_FOUND_ROWS)
  std::int64_t insert_id = 0;  // the generated key of an INSERT, where the driver reports one
};

// What a dialect does differently. The SQL templates use `?` placeholders (the PostgreSQL driver
// numbers them) and {s}, {a}, {v} for the sessions, attributes and schema-version tables.
struct Dialect {
  std::string_view kind;              // "postgresql", "mysql", "sqlite"
  std::string_view schema_sql;        // the DDL of schema/<kind>.sql, default prefix "sessionpp_"
  std::string_view schema_file;       // where DBAs find it
  std::string_view begin_write;       // starts a transaction that will write
  std::string_view for_update;        // appended to a SELECT that locks the row it reads
  std::string_view upsert_attribute;  // (session_id, name, value)
  bool insert_returning = false;      // INSERT ... RETURNING id, else QueryResult::insert_id
  // One statement deleting a batch of expired sessions: (now, limit) -> handle rows. Empty: the
  // store selects a batch, then deletes it row by row.
  std::string_view purge_batch;
};

// One open connection. Not thread-safe: the pool lends it to one caller at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs prepared statement `id`, prepared from `sql` the first time this connection runs it.
  virtual Result<QueryResult> run(int id, const std::string& sql,
                                  std::span<const Param> params) = 0;
  // Runs `sql` as is, without parameters: transaction control and DDL.
  virtual Result<void> exec(const std::string& sql) = 0;

  // The last failure was a deadlock or serialization failure: running the transaction again may
  // succeed.
  bool retryable() const noexcept { return retryable_; }
  // The connection is unusable (lost, reset by a server restart): the pool drops it.
  bool broken() const noexcept { return broken_; }
  // Forgets the last failure's flags (before a new unit of work; drivers only ever set them).
  void reset_failure() noexcept { retryable_ = false; }

 protected:
  bool retryable_ = false;
  bool broken_ = false;
};

struct DriverOptions {
  DbUrl url;
  std::string name;  // how messages name the database
  std::int64_t connect_timeout_ms = 5000;
  std::int64_t statement_timeout_ms = 5000;
};

class Driver {
 public:
  virtual ~Driver() = default;
  virtual const Dialect& dialect() const noexcept = 0;
  // A new connection, configured (timeouts, isolation, pragmas). Safe to call concurrently.
  virtual Result<std::unique_ptr<Connection>> connect() = 0;
  // kReadOnly, naming the database and the reason, when the server or the file refuses writes
  // for a reason it can tell before trying (read-only modes, a standby, file permissions).
  virtual Result<void> check_writable(Connection& c) = 0;
  // Takes the cluster-wide lock `key`: without waiting when !wait (false: another session holds
  // it), else waiting up to the statement timeout. A driver without such locks returns true.
  virtual Result<bool> lock(Connection& c, std::string_view key, bool wait) = 0;
  virtual Result<void> unlock(Connection& c, std::string_view key) = 0;
};

std::unique_ptr<Driver> make_postgres_driver(DriverOptions options);
std::unique_ptr<Driver> make_mysql_driver(DriverOptions options);
std::unique_ptr<Driver> make_sqlite_driver(DriverOptions options);

// A 64-bit FNV-1a hash, for lock keys.
std::uint64_t fnv1a64(std::string_view s) noexcept;

}  // namespace sessionpp::sql
