// A read-only database is refused at open with kReadOnly naming the database and the reason.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {
namespace {

// Skips (locally) or fails (CI) when the server behind `url` does not answer.
#define SKIP_UNLESS_REACHABLE(url)                              \
  do {                                                          \
    const std::string probe_ns_ = fresh_namespace();            \
    std::unique_ptr<SessionRepository> probe_;                  \
    SESSIONPP_REQUIRE_STORE(open_at((url), probe_ns_), probe_); \
    probe_.reset();                                             \
    drop_sql_tables((url), probe_ns_);                          \
  } while (0)

void expect_read_only(const Result<std::unique_ptr<SessionRepository>>& r, const std::string& name,
                      const std::string& reason) {
  ASSERT_FALSE(r.ok()) << "a read-only database was accepted";
  EXPECT_EQ(r.error().code, Errc::kReadOnly) << r.error().to_string();
  EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("sessionpp-test"), std::string::npos)
      << "password in: " << r.error().message;
}

TEST(SqlReadOnly, PostgresDefaultTransactionReadOnlyIsRefused) {
  SKIP_UNLESS_REACHABLE(pg_url());
  SqlStoreOptions o{.url = with_database(pg_url(), "sessionpp_ro"), .name = "pg-ro"};
  expect_read_only(open_sql_store(o), "'pg-ro'", "default_transaction_read_only");
  auto check = check_sql_writable(o);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, Errc::kReadOnly);
  // The default name is the URL without its password.
  o.name.clear();
  expect_read_only(open_sql_store(o), "sessionpp:***@127.0.0.1", "read-only");
}

TEST(SqlReadOnly, MariadbMissingGrantsAreRefused) {
  SKIP_UNLESS_REACHABLE(mysql_url());
  SqlStoreOptions o{.url = with_database(mysql_url(), "sessionpp_ro"), .name = "maria-ro"};
  expect_read_only(open_sql_store(o), "'maria-ro'", "lacks the grants");
}

class SqliteReadOnly : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(sqlite_dir()) / fresh_namespace();
    std::filesystem::create_directories(dir_);
    file_ = (dir_ / "sessions.db").string();
  }
  void TearDown() override {
    chmod(dir_.c_str(), 0755);
    chmod(file_.c_str(), 0644);
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string file_;
};

TEST_F(SqliteReadOnly, ReadOnlyFolderIsRefused) {
  ASSERT_EQ(chmod(dir_.c_str(), 0555), 0);
  expect_read_only(open_sql_store({.url = "sqlite://" + file_, .name = "lite"}), "'lite'",
                   "folder");
  EXPECT_FALSE(std::filesystem::exists(file_)) << "the refusal created the file";
}

TEST_F(SqliteReadOnly, ReadOnlyFileIsRefused) {
  {
    auto rw = open_sql_store({.url = "sqlite://" + file_});
    ASSERT_TRUE(rw.ok()) << rw.error().to_string();
  }
  ASSERT_EQ(chmod(file_.c_str(), 0444), 0);
  expect_read_only(open_sql_store({.url = "sqlite://" + file_, .name = "lite"}), "'lite'",
                   "file is not writable (mode 0444)");
}

TEST_F(SqliteReadOnly, OpenedReadOnlyIsRefused) {
  {
    auto rw = open_sql_store({.url = "sqlite://" + file_});
    ASSERT_TRUE(rw.ok()) << rw.error().to_string();
  }
  expect_read_only(open_sql_store({.url = "sqlite://" + file_ + "?mode=ro", .name = "lite"}),
                   "'lite'", "mode=ro");
}

TEST(SqlReadOnly, WritableDatabasesPassTheCheck) {
  SKIP_UNLESS_REACHABLE(pg_url());
  SKIP_UNLESS_REACHABLE(mysql_url());
  const std::string ns = fresh_namespace();
  for (const std::string& url : {pg_url(), mysql_url(), sqlite_url(ns)}) {
    auto r = check_sql_writable({.url = url, .table_prefix = ns});
    EXPECT_TRUE(r.ok()) << url << ": " << r.error().to_string();
    drop_sql_tables(url, ns);
  }
}

}  // namespace
}  // namespace sessionpp::testing
