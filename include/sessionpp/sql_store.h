#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "sessionpp/repository.h"
#include "sessionpp/result.h"

namespace sessionpp {

// The SQL store (configuration type `jdbc`): sessions in two tables of a PostgreSQL,
// MySQL/MariaDB or SQLite database. See docs/stores/sql.md.
struct SqlStoreOptions {
  SessionPolicy policy;
  // Where the database is:
  //   postgresql://user:password@host:port/database?sslmode=...   (also postgres://; any libpq
  //                                                                 parameter as a query option)
  //   mysql://user:password@host:port/database                     (also mariadb://)
  //   sqlite:///absolute/path/to/file.db[?mode=ro]
  // User and password are percent-decoded. Default: none (required).
  std::string url;
  // The password, when it is not in the URL (from an environment variable or a file, say).
  // Non-empty: used instead of any password the URL carries. Never logged. Default: empty.
  std::string password;
  // How messages name this database, e.g. the key of its [databases.NAME] table.
  // Default (empty): the URL without its password.
  std::string name;
  // Prefix of the table names ({prefix}sessions, {prefix}session_attributes,
  // {prefix}schema_version): letters, digits and '_', at most 32 characters. Default: "sessionpp_".
  std::string table_prefix = "sessionpp_";
  // Create the tables when they are missing. false: only verify them, and say what is missing.
  // Default: true.
  bool create_schema = true;

  struct Pool {
    // Most open connections. Default: 8.
    std::size_t size = 8;
    // How long a call waits for a free connection before kTimeout. Default: 5 s.
    std::chrono::milliseconds wait_timeout = std::chrono::seconds(5);
  } pool;

  // Connecting gives up after this long (rounded up to whole seconds). Default: 5 s.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
  // One statement, including waits for row locks (PostgreSQL statement_timeout and lock_timeout,
  // MySQL read/write timeouts and innodb_lock_wait_timeout, SQLite busy timeout).
  // Default: 5 s.
  std::chrono::milliseconds statement_timeout = std::chrono::seconds(5);
  // Rows one purge statement deletes at most; purge_expired(limit) runs several. Default: 500.
  std::size_t purge_batch = 500;
  // How many times a transaction that lost a deadlock or a serialization conflict is retried
  // before kConflict reaches the caller. Default: 3.
  int max_retries = 3;
};

// Opens the store: parses the URL, connects, checks that the database accepts writes, and
// creates (or, with create_schema = false, verifies) the schema. The returned repository's
// kind() is "postgresql", "mysql" or "sqlite".
//
// purge_expired() is safe to call from every node at once: on PostgreSQL and MySQL one node at
// a time purges (an advisory lock: pg_try_advisory_lock / GET_LOCK), the others return 0 at
// once; rows go in batches of purge_batch so cleanup never holds many locks.
//
// Errors: kInvalidArgument naming the option at fault (a malformed URL, an unknown scheme);
// kUnavailable naming host:port when the server cannot be reached; kTimeout; kReadOnly naming
// the database and the reason (PostgreSQL default_transaction_read_only or a hot standby, MySQL
// read_only / super_read_only or missing grants, a read-only SQLite file or folder);
// kInvalidArgument naming the table when create_schema = false and a table or column is missing,
// or when the schema has another version. No message ever contains the password.
//
// The repository is safe for concurrent access without external synchronization.
Result<std::unique_ptr<SessionRepository>> open_sql_store(const SqlStoreOptions& options);

// Does everything open_sql_store does (connect, writable check, schema creation when
// create_schema is set, verification, write probes that change nothing) and closes again. For a
// "test connection" button. Errors as open_sql_store.
Result<void> check_sql_writable(const SqlStoreOptions& options);

// `url` with its password replaced by "***", for logs and messages.
std::string redact_sql_url(const std::string& url);

}  // namespace sessionpp
