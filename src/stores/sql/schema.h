#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/result.h"
#include "stores/sql/driver.h"

namespace sessionpp::sql {

// The DDL files of schema/, embedded at build time (schema_sql.cc is generated from them).
extern const std::string_view kPostgresSchemaSql;
extern const std::string_view kMysqlSchemaSql;
extern const std::string_view kSqliteSchemaSql;

inline constexpr int kSchemaVersion = 1;

// The table names under one prefix.
struct TableNames {
  std::string prefix;
  std::string sessions;    // {prefix}sessions
  std::string attributes;  // {prefix}session_attributes
  std::string version;     // {prefix}schema_version

  explicit TableNames(std::string p)
      : prefix(std::move(p)),
        sessions(prefix + "sessions"),
        attributes(prefix + "session_attributes"),
        version(prefix + "schema_version") {}
};

// `tmpl` with {s}, {a}, {v} replaced by the table names.
std::string expand(std::string_view tmpl, const TableNames& t);

// The statements of a schema file, its default prefix replaced by `t.prefix`.
std::vector<std::string> schema_statements(std::string_view schema_sql, const TableNames& t);

// Makes sure the database takes our writes and holds our schema: the driver's read-only checks,
// then (create = true) the DDL under a lock so nodes starting together do not race, then a
// verification of every table and column, then write probes that change nothing (they catch
// missing grants). `db` names the database in messages.
Result<void> prepare_schema(Driver& driver, Connection& c, const TableNames& t, bool create,
                            const std::string& db);

}  // namespace sessionpp::sql
