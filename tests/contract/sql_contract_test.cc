// The contract suite against PostgreSQL, MariaDB and SQLite. Each test's namespace is its table
// prefix (SQLite: its own file); cleanup drops the tables.

#include <chrono>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {
namespace {

StoreUnderTest sql_store(std::string name, std::string (*url)(const std::string& ns)) {
  return StoreUnderTest{.name = std::move(name),
                        .open =
                            [url](const SessionPolicy& policy, const std::string& ns) {
                              SqlStoreOptions o{
                                  .policy = policy, .url = url(ns), .table_prefix = ns};
                              o.connect_timeout = std::chrono::seconds(2);
                              return open_sql_store(o);
                            },
                        .cleanup = [url](const std::string& ns) { drop_sql_tables(url(ns), ns); }};
}

INSTANTIATE_TEST_SUITE_P(
    Sql, StoreContractTest,
    ::testing::Values(sql_store("Postgres", [](const std::string&) { return pg_url(); }),
                      sql_store("Mariadb", [](const std::string&) { return mysql_url(); }),
                      sql_store("Sqlite", [](const std::string& ns) { return sqlite_url(ns); })),
    PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
