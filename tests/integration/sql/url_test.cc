// URL parsing and redaction of the SQL store (no server needed).

#include <gtest/gtest.h>

#include "sessionpp/sql_store.h"
#include "stores/sql/url.h"

namespace sessionpp::sql {
namespace {

TEST(SqlUrl, ParsesPostgresWithEscapesAndOptions) {
  auto u = parse_db_url("postgresql://app%40corp:p%3Ass@db.example:6543/sessions?sslmode=require");
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_EQ(u->scheme, DbUrl::Scheme::kPostgres);
  EXPECT_EQ(u->user, "app@corp");
  EXPECT_EQ(u->password, "p:ss");
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 6543);
  EXPECT_EQ(u->database, "sessions");
  ASSERT_NE(u->param("sslmode"), nullptr);
  EXPECT_EQ(*u->param("sslmode"), "require");
  EXPECT_EQ(u->endpoint(), "db.example:6543");
  EXPECT_EQ(u->redacted, "postgresql://app%40corp:***@db.example:6543/sessions?sslmode=require");
}

TEST(SqlUrl, ParsesMysqlMariadbSqliteAndIpv6) {
  auto m = parse_db_url("mariadb://u@[::1]/db");
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EXPECT_EQ(m->scheme, DbUrl::Scheme::kMysql);
  EXPECT_EQ(m->host, "::1");
  EXPECT_EQ(m->endpoint(), "[::1]:3306");
  auto s = parse_db_url("sqlite:///var/lib/app/sessions.db?mode=ro");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->scheme, DbUrl::Scheme::kSqlite);
  EXPECT_EQ(s->path, "/var/lib/app/sessions.db");
  EXPECT_EQ(*s->param("mode"), "ro");
  auto p = parse_db_url("postgres://h/db");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->endpoint(), "h:5432");
}

TEST(SqlUrl, RefusesMalformedUrlsWithoutEchoingThePassword) {
  for (const char* bad : {"", "localhost/db", "oracle://u:secret1@h/db", "mysql://u:secret1@h",
                          "mysql://u:secret1@h:99999/db", "sqlite://relative/path.db",
                          "postgresql://u:secret1@h:x/db", "mysql://u:secret1%zz@h/db"}) {
    auto r = parse_db_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(r.error().message.find("secret1"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("SqlStoreOptions.url"), std::string::npos);
  }
}

TEST(SqlUrl, RedactsUserInfoAndPasswordOptions) {
  EXPECT_EQ(redact_sql_url("mysql://u:secret@h/db"), "mysql://u:***@h/db");
  EXPECT_EQ(redact_sql_url("postgresql://h/db?user=u&password=secret&x=1"),
            "postgresql://h/db?user=u&password=***&x=1");
  EXPECT_EQ(redact_sql_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(redact_sql_url("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
}

TEST(SqlUrl, OpenRefusesBadOptionsNamingThem) {
  SqlStoreOptions o{.url = "sqlite:///tmp/x.db", .table_prefix = "bad-prefix"};
  auto r = open_sql_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("table_prefix"), std::string::npos);
  o.table_prefix = "ok_";
  o.pool.size = 0;
  r = open_sql_store(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("pool.size"), std::string::npos);
}

}  // namespace
}  // namespace sessionpp::sql
