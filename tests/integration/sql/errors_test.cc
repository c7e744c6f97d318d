// Client errors become the right Errc, named after the setting or server at fault: a row lock
// held past statement_timeout is kTimeout, a wrong password is kInvalidArgument naming the user,
// a refused connection is kUnavailable naming host:port. No message carries the password.

#include <gtest/gtest.h>

#include <chrono>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {
namespace {

using namespace std::chrono_literals;

class SqlErrors : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url() const {
    if (GetParam() == "Postgres") return pg_url();
    if (GetParam() == "Mariadb") return mysql_url();
    return sqlite_url(ns_);
  }
  void SetUp() override {
    ns_ = fresh_namespace();
    SqlStoreOptions o{.url = url(), .table_prefix = ns_};
    o.statement_timeout = 1s;  // MySQL counts lock waits in whole seconds
    SESSIONPP_REQUIRE_STORE(open_sql_store(o), repo_);
  }
  void TearDown() override {
    repo_.reset();
    drop_sql_tables(url(), ns_);
  }
  std::unique_ptr<sql::Driver> raw_driver() {
    sql::DriverOptions d;
    d.url = *sql::parse_db_url(url());
    d.name = "raw";
    d.statement_timeout_ms = 30000;
    if (GetParam() == "Postgres") return sql::make_postgres_driver(d);
    if (GetParam() == "Mariadb") return sql::make_mysql_driver(d);
    return sql::make_sqlite_driver(d);
  }
  std::string ns_;
  std::unique_ptr<SessionRepository> repo_;
};

TEST_P(SqlErrors, ARowLockHeldPastTheStatementTimeoutIsATimeout) {
  Session s = repo_->create();
  ASSERT_TRUE(repo_->save(s).ok());
  auto loaded = repo_->find(s.id()->str());
  ASSERT_TRUE(loaded.ok() && loaded->has_value());

  // Another client holds the session row (SQLite: the write lock).
  auto driver = raw_driver();
  auto holder = driver->connect();
  ASSERT_TRUE(holder.ok()) << holder.error().to_string();
  sql::Connection& h = **holder;
  if (GetParam() == "Sqlite") {
    ASSERT_TRUE(h.exec("BEGIN IMMEDIATE").ok());
  } else {
    ASSERT_TRUE(h.exec(GetParam() == "Postgres" ? "BEGIN" : "START TRANSACTION").ok());
    ASSERT_TRUE(h.exec("UPDATE " + ns_ + "sessions SET created = created").ok());
  }
  ASSERT_TRUE((*loaded)->set_attribute("k", "v").ok());
  const auto start = std::chrono::steady_clock::now();
  auto r = repo_->save(**loaded);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok()) << "saved through a held lock";
  EXPECT_EQ(r.error().code, Errc::kTimeout) << r.error().to_string();
  EXPECT_NE(r.error().message.find("statement_timeout"), std::string::npos) << r.error().message;
  EXPECT_LT(waited, 5s);
  ASSERT_TRUE(h.exec("ROLLBACK").ok());
  // Once the lock is gone the same store saves again.
  auto again = repo_->save(**loaded);
  EXPECT_TRUE(again.ok()) << again.error().to_string();
}

TEST_P(SqlErrors, APrincipalOverTheLimitIsRefusedOnEveryDialect) {
  Session s = repo_->create();
  s.set_principal(std::string(1025, 'p'));
  auto r = repo_->save(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message.find("1024"), std::string::npos) << r.error().message;
  s.set_principal(std::string(1024, 'p'));
  ASSERT_TRUE(repo_->save(s).ok());
  auto listed = repo_->find_by_principal(std::string(1024, 'p'));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

// The cases that need a server (users, host:port).
class SqlServerErrors : public SqlErrors {};

TEST_P(SqlServerErrors, WrongPasswordNamesTheUserButNotThePassword) {
  std::string bad = url();
  const auto colon = bad.find(':', bad.find("://") + 3);
  const auto at = bad.find('@');
  bad.replace(colon + 1, at - colon - 1, "wrong-secret-1");
  auto r = open_sql_store({.url = bad, .name = "main"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message.find("'main'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("user 'sessionpp'"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("wrong-secret-1"), std::string::npos) << r.error().message;
}

TEST_P(SqlServerErrors, RefusedConnectionIsUnavailableNamingHostAndPort) {
  const std::string scheme = GetParam() == "Postgres" ? "postgresql" : "mysql";
  auto r = open_sql_store({.url = scheme + "://sessionpp:secret-2@127.0.0.1:1/sessionpp"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().to_string();
  EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("secret-2"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlErrors, ::testing::Values("Postgres", "Mariadb", "Sqlite"),
                         [](const auto& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Sql, SqlServerErrors, ::testing::Values("Postgres", "Mariadb"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sessionpp::testing
