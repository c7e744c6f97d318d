#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sessionpp/result.h"

namespace sessionpp::sql {

// A parsed database URL (see SqlStoreOptions::url).
struct DbUrl {
  enum class Scheme { kPostgres, kMysql, kSqlite };
  Scheme scheme = Scheme::kPostgres;
  std::string user;      // percent-decoded; empty: the client's default
  std::string password;  // percent-decoded; never printed
  std::string host;      // empty: the client's default (PostgreSQL, MySQL)
  int port = 0;          // 0: the default port
  std::string database;  // PostgreSQL, MySQL
  std::string path;      // SQLite: the absolute file path
  std::vector<std::pair<std::string, std::string>> params;  // the query options, decoded
  std::string redacted;  // the URL as given with its password replaced by ***

  // "host:port" with the scheme's default port filled in.
  std::string endpoint() const;
  // The value of query option `key`, or nullptr.
  const std::string* param(std::string_view key) const;
};

// Parses `url`; kInvalidArgument naming what is wrong (never echoing the password).
Result<DbUrl> parse_db_url(const std::string& url);

// `url` with the password in its user info or a password= option replaced by ***.
std::string redact_url(const std::string& url);

}  // namespace sessionpp::sql
