// create_schema = false verifies instead of creating, and says what is missing.

#include <gtest/gtest.h>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {
namespace {

class SqlSchema : public ::testing::TestWithParam<std::string> {
 protected:
  std::string url() const {
    if (GetParam() == "Postgres") return pg_url();
    if (GetParam() == "Mariadb") return mysql_url();
    return sqlite_url(ns_);
  }
  void SetUp() override {
    ns_ = fresh_namespace();
    std::unique_ptr<SessionRepository> probe;
    SESSIONPP_REQUIRE_STORE(open_at(url(), ns_ + "p_"), probe);
    drop_sql_tables(url(), ns_ + "p_");
  }
  void TearDown() override { drop_sql_tables(url(), ns_); }
  std::string ns_;
};

TEST_P(SqlSchema, VerifyOnlyOnAnEmptyDatabaseSaysWhatIsMissing) {
  SqlStoreOptions o{.url = url(), .name = "db1", .table_prefix = ns_, .create_schema = false};
  auto r = open_sql_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument) << r.error().to_string();
  EXPECT_NE(r.error().message.find("'db1'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(ns_ + "schema_version is missing"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("create_schema is false"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("src/stores/sql/schema/"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("sessionpp-test"), std::string::npos) << r.error().message;
}

TEST_P(SqlSchema, CreatedOnFirstUseThenVerifies) {
  {
    auto created = open_sql_store({.url = url(), .table_prefix = ns_});
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    Session s = (*created)->create();
    ASSERT_TRUE((*created)->save(s).ok());
  }
  auto verified = open_sql_store({.url = url(), .table_prefix = ns_, .create_schema = false});
  ASSERT_TRUE(verified.ok()) << verified.error().to_string();
  auto n = (*verified)->count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  // Opening again over an existing schema (a second node starting) is fine too.
  auto again = open_sql_store({.url = url(), .table_prefix = ns_});
  EXPECT_TRUE(again.ok()) << again.error().to_string();
}

TEST_P(SqlSchema, AMissingTableIsNamed) {
  {
    auto created = open_sql_store({.url = url(), .table_prefix = ns_});
    ASSERT_TRUE(created.ok()) << created.error().to_string();
  }
  // Drop only the attributes table.
  auto parsed = sql::parse_db_url(url());
  ASSERT_TRUE(parsed.ok());
  sql::DriverOptions d;
  d.url = *parsed;
  d.name = "t";
  auto driver = GetParam() == "Postgres"  ? sql::make_postgres_driver(d)
                : GetParam() == "Mariadb" ? sql::make_mysql_driver(d)
                                          : sql::make_sqlite_driver(d);
  auto c = driver->connect();
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  ASSERT_TRUE((*c)->exec("DROP TABLE " + ns_ + "session_attributes").ok());
  auto r = open_sql_store({.url = url(), .table_prefix = ns_, .create_schema = false});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(ns_ + "session_attributes is missing"), std::string::npos)
      << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlSchema, ::testing::Values("Postgres", "Mariadb", "Sqlite"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sessionpp::testing
