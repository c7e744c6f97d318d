#pragma once

// Where the SQL tests find their servers, and cleanup of what they leave behind.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "sessionpp/sql_store.h"
#include "stores/sql/driver.h"
#include "stores/sql/schema.h"
#include "stores/sql/url.h"

namespace sessionpp::testing {

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

inline std::string pg_url() {
  return env_or("SESSIONPP_TEST_PG_URL",
                "postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/sessionpp");
}

inline std::string mysql_url() {
  return env_or("SESSIONPP_TEST_MYSQL_URL",
                "mysql://sessionpp:sessionpp-test@127.0.0.1:13306/sessionpp");
}

// A folder of this user's for SQLite test files (one file per test namespace).
inline std::string sqlite_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sessionpp-sqlite-tests-" + std::to_string(getuid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string sqlite_url(const std::string& ns) {
  return "sqlite://" + sqlite_dir() + "/" + ns + "db.sqlite";
}

// `url` with its database name replaced (same server, user and password).
inline std::string with_database(const std::string& url, const std::string& db) {
  const auto slash = url.find('/', url.find("://") + 3);
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

// Opens a store on `url` under `prefix` with default options (a macro-friendly call).
inline Result<std::unique_ptr<SessionRepository>> open_at(const std::string& url,
                                                          const std::string& prefix) {
  SqlStoreOptions o;
  o.url = url;
  o.table_prefix = prefix;
  return open_sql_store(o);
}

// Drops the tables under `prefix` (server dialects) or deletes the file (SQLite).
inline void drop_sql_tables(const std::string& url, const std::string& prefix) {
  auto parsed = sql::parse_db_url(url);
  if (!parsed) return;
  if (parsed->scheme == sql::DbUrl::Scheme::kSqlite) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(parsed->path + suffix, ec);
    }
    return;
  }
  sql::DriverOptions o;
  o.url = *parsed;
  o.name = "cleanup";
  auto driver = parsed->scheme == sql::DbUrl::Scheme::kPostgres ? sql::make_postgres_driver(o)
                                                                : sql::make_mysql_driver(o);
  auto c = driver->connect();
  if (!c) return;
  const sql::TableNames t(prefix);
  for (const std::string& table : {t.attributes, t.sessions, t.version}) {
    (void)(*c)->exec("DROP TABLE IF EXISTS " + table);
  }
}

}  // namespace sessionpp::testing
