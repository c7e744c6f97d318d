// The MySQL / MariaDB driver: MariaDB Connector/C (works with both servers), server-side
// prepared statements, READ COMMITTED so that range scans take no gap locks.

#include <mysql.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "stores/sql/c_handle.h"
#include "stores/sql/driver.h"
#include "stores/sql/schema.h"

namespace sessionpp::sql {
namespace {

using MysqlPtr = std::unique_ptr<MYSQL, CDeleter<&mysql_close>>;
using StmtPtr = std::unique_ptr<MYSQL_STMT, CDeleter<&mysql_stmt_close>>;
using ResPtr = std::unique_ptr<MYSQL_RES, CDeleter<&mysql_free_result>>;

// Driver statement ids (the store's are below 200).
enum : int { kReadOnlyCheck = 200, kSuperReadOnlyCheck, kLock, kUnlock };

const Dialect& mysql_dialect() {
  static const Dialect d{
      .kind = "mysql",
      .schema_sql = kMysqlSchemaSql,
      .schema_file = "src/stores/sql/schema/mysql.sql",
      .begin_write = "START TRANSACTION",
      .for_update = " FOR UPDATE",
      .upsert_attribute =
          "INSERT INTO {a} (session_id, name, value) VALUES (?, ?, ?) "
          "ON DUPLICATE KEY UPDATE value = VALUES(value)",
      .insert_returning = false,
      .purge_batch = "",
  };
  return d;
}

bool is_integer_type(enum_field_types t) {
  return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG ||
         t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

unsigned int whole_seconds(std::int64_t ms) {
  return static_cast<unsigned int>(std::max<std::int64_t>(1, (ms + 999) / 1000));
}

class MysqlConnection final : public Connection {
 public:
  MysqlConnection(MysqlPtr mysql, const DriverOptions& o) : mysql_(std::move(mysql)), o_(o) {}

  Result<QueryResult> run(int id, const std::string& sql, std::span<const Param> params) override {
    auto it = stmts_.find(id);
    if (it == stmts_.end()) {
      StmtPtr st(mysql_stmt_init(mysql_.get()));
      if (!st) return fail(mysql_errno(mysql_.get()), mysql_error(mysql_.get()));
      if (mysql_stmt_prepare(st.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
        return fail(mysql_stmt_errno(st.get()), mysql_stmt_error(st.get()));
      }
      it = stmts_.emplace(id, std::move(st)).first;
    }
    MYSQL_STMT* st = it->second.get();

    const std::size_t n = params.size();
    std::vector<MYSQL_BIND> bind(n);  // value-initialized: all zero
    std::vector<long long> ints(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Param& p = params[i];
      MYSQL_BIND& b = bind[i];
      switch (p.kind) {
        case Param::Kind::kNull:
          b.buffer_type = MYSQL_TYPE_NULL;
          break;
        case Param::Kind::kInt:
          ints[i] = p.i;
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &ints[i];
          break;
        case Param::Kind::kText:
        case Param::Kind::kBytes:
          b.buffer_type = p.kind == Param::Kind::kText ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
          b.buffer = const_cast<char*>(p.s.data());
          b.buffer_length = static_cast<unsigned long>(p.s.size());
          break;
      }
    }
    if (n > 0 && mysql_stmt_bind_param(st, bind.data()) != 0) return stmt_fail(st);
    if (mysql_stmt_execute(st) != 0) return stmt_fail(st);

    QueryResult out;
    ResPtr meta(mysql_stmt_result_metadata(st));
    if (!meta) {
      const auto affected = mysql_stmt_affected_rows(st);
      out.affected = affected == static_cast<my_ulonglong>(-1) ? 0 : affected;
      out.insert_id = static_cast<std::int64_t>(mysql_stmt_insert_id(st));
      return out;
    }
    if (mysql_stmt_store_result(st) != 0) return stmt_fail(st);
    const unsigned int cols = mysql_num_fields(meta.get());
    const MYSQL_FIELD* fields = mysql_fetch_fields(meta.get());
    // Integers into 64-bit buffers; everything else into a small buffer, fetched again whole
    // when it did not fit.
    constexpr unsigned long kInline = 256;
    std::vector<MYSQL_BIND> res(cols);  // value-initialized: all zero
    std::vector<long long> res_ints(cols);
    std::vector<std::array<char, kInline>> res_bufs(cols);
    std::vector<unsigned long> lengths(cols);
    std::vector<my_bool> nulls(cols);
    for (unsigned int c = 0; c < cols; ++c) {
      MYSQL_BIND& b = res[c];
      if (is_integer_type(fields[c].type)) {
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &res_ints[c];
        b.is_unsigned = (fields[c].flags & UNSIGNED_FLAG) != 0;
      } else {
        b.buffer_type = MYSQL_TYPE_BLOB;
        b.buffer = res_bufs[c].data();
        b.buffer_length = kInline;
      }
      b.length = &lengths[c];
      b.is_null = &nulls[c];
    }
    if (mysql_stmt_bind_result(st, res.data()) != 0) return stmt_fail(st);
    for (;;) {
      const int rc = mysql_stmt_fetch(st);
      if (rc == MYSQL_NO_DATA) break;
      if (rc == 1) {
        auto e = stmt_fail(st);
        mysql_stmt_free_result(st);
        return e;
      }
      Row row(cols);
      for (unsigned int c = 0; c < cols; ++c) {
        if (nulls[c]) continue;
        if (res[c].buffer_type == MYSQL_TYPE_LONGLONG) {
          row[c] = std::to_string(res_ints[c]);
        } else if (lengths[c] <= kInline) {
          row[c] = std::string(res_bufs[c].data(), lengths[c]);
        } else {
          std::string big(lengths[c], '\0');
          MYSQL_BIND b;
          std::memset(&b, 0, sizeof b);
          b.buffer_type = MYSQL_TYPE_BLOB;
          b.buffer = big.data();
          b.buffer_length = lengths[c];
          if (mysql_stmt_fetch_column(st, &b, c, 0) != 0) {
            auto e = stmt_fail(st);
            mysql_stmt_free_result(st);
            return e;
          }
          row[c] = std::move(big);
        }
      }
      out.rows.push_back(std::move(row));
    }
    mysql_stmt_free_result(st);
    return out;
  }

  Result<void> exec(const std::string& sql) override {
    if (mysql_real_query(mysql_.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
      return fail(mysql_errno(mysql_.get()), mysql_error(mysql_.get()));
    }
    if (mysql_field_count(mysql_.get()) > 0) ResPtr drop(mysql_store_result(mysql_.get()));
    return {};
  }

  // Every Connector/C failure is translated here.
  Error fail(unsigned int code, const char* text) {
    const std::string msg = text == nullptr ? "" : text;
    const std::string where = "MySQL database '" + o_.name + "' at " + o_.url.endpoint() + ": ";
    switch (code) {
      case 2002:
      case 2003:
      case 2005:
      case 2006:
      case 2013:
      case 2026:
      case 2055:
      case 1053:
      case 1927:
      case 4031:
      case 1152:
      case 1158:
      case 1159:
      case 1160:
      case 1161:
        broken_ = true;  // the pool drops the connection with its statements
        return make_error(Errc::kUnavailable, where + "connection lost: " + msg);
      case 1213:  // deadlock
      case 1020:  // record changed since last read
        retryable_ = true;
        return make_error(Errc::kConflict, where + msg);
      case 1205:  // lock wait timeout
      case 1969:  // MariaDB max_statement_time
      case 3024:  // MySQL max_execution_time
        return make_error(Errc::kTimeout, where + msg + " (SqlStoreOptions.statement_timeout = " +
                                              std::to_string(o_.statement_timeout_ms) + " ms)");
      case 1290:
      case 1836:
        return make_error(Errc::kReadOnly,
                          where + "the server is read-only (read_only / super_read_only): " + msg);
      case 1142:
      case 1143:
      case 1044:
      case 1227:
      case 1370:
        return make_error(Errc::kReadOnly,
                          where + "user '" + o_.url.user + "' lacks the grants to write: " + msg);
      case 1062:  // duplicate key
        return make_error(Errc::kConflict, where + "already exists: " + msg);
      case 1406:
      case 1366:
      case 1292:
      case 1048:
        return make_error(Errc::kInvalidArgument, where + msg);
      default:
        return make_error(Errc::kInternal, where + msg + " [" + std::to_string(code) + "]");
    }
  }

 private:
  Error stmt_fail(MYSQL_STMT* st) { return fail(mysql_stmt_errno(st), mysql_stmt_error(st)); }

  MysqlPtr mysql_;
  const DriverOptions& o_;
  std::unordered_map<int, StmtPtr> stmts_;  // destroyed before mysql_ (declared after it)
};

class MysqlDriver final : public Driver {
 public:
  explicit MysqlDriver(DriverOptions o) : o_(std::move(o)) {
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
  }

  const Dialect& dialect() const noexcept override { return mysql_dialect(); }

  Result<std::unique_ptr<Connection>> connect() override {
    MysqlPtr mysql(mysql_init(nullptr));
    if (!mysql) return make_error(Errc::kInternal, "mysql_init failed");
    const unsigned int connect_s = whole_seconds(o_.connect_timeout_ms);
    const unsigned int io_s = whole_seconds(o_.statement_timeout_ms) + 1;
    mysql_options(mysql.get(), MYSQL_OPT_CONNECT_TIMEOUT, &connect_s);
    mysql_options(mysql.get(), MYSQL_OPT_READ_TIMEOUT, &io_s);
    mysql_options(mysql.get(), MYSQL_OPT_WRITE_TIMEOUT, &io_s);
    mysql_options(mysql.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const std::string host = o_.url.host.empty() ? "localhost" : o_.url.host;
    const unsigned int port = o_.url.port == 0 ? 3306 : static_cast<unsigned int>(o_.url.port);
    if (mysql_real_connect(mysql.get(), host.c_str(), o_.url.user.c_str(),
                           o_.url.password.empty() ? nullptr : o_.url.password.c_str(),
                           o_.url.database.c_str(), port, nullptr, CLIENT_FOUND_ROWS) == nullptr) {
      const unsigned int code = mysql_errno(mysql.get());
      Errc e = Errc::kUnavailable;
      if (code == 1045 || code == 1049 || code == 1044 || code == 2005) {
        e = Errc::kInvalidArgument;  // wrong user, password or database: a setting, not an outage
      }
      return make_error(e, "cannot connect to MySQL database '" + o_.name + "' at " +
                               o_.url.endpoint() + " as user '" + o_.url.user +
                               "': " + mysql_error(mysql.get()));
    }
    auto c = std::make_unique<MysqlConnection>(std::move(mysql), o_);
    // Strict mode: an over-long value is an error, never silently cut.
    const std::string setup = "SET SESSION innodb_lock_wait_timeout = " +
                              std::to_string(whole_seconds(o_.statement_timeout_ms)) +
                              ", sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')";
    if (auto r = c->exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"); !r) {
      return std::move(r).error();
    }
    if (auto r = c->exec(setup); !r) return std::move(r).error();
    return std::unique_ptr<Connection>(std::move(c));
  }

  Result<void> check_writable(Connection& c) override {
    const std::string where = "MySQL database '" + o_.name + "' at " + o_.url.endpoint();
    auto ro = c.run(kReadOnlyCheck, "SELECT @@global.read_only", {});
    if (!ro) return std::move(ro).error();
    if (!ro->rows.empty() && ro->rows[0][0] && *ro->rows[0][0] != "0") {
      return make_error(Errc::kReadOnly, where + " is read-only: read_only is ON");
    }
    // MariaDB has no super_read_only: a failure here just means there is none.
    auto super = c.run(kSuperReadOnlyCheck, "SELECT @@global.super_read_only", {});
    if (super && !super->rows.empty() && super->rows[0][0] && *super->rows[0][0] != "0") {
      return make_error(Errc::kReadOnly, where + " is read-only: super_read_only is ON");
    }
    if (!super && c.broken()) return std::move(super).error();
    return {};
  }

  Result<bool> lock(Connection& c, std::string_view key, bool wait) override {
    const std::string name = lock_name(key);
    const Param p[] = {Param::text(name),
                       Param::integer(wait ? whole_seconds(o_.statement_timeout_ms) : 0)};
    auto r = c.run(kLock, "SELECT GET_LOCK(?, ?)", p);
    if (!r) return std::move(r).error();
    const bool got = !r->rows.empty() && r->rows[0][0] && *r->rows[0][0] == "1";
    if (wait && !got) {
      return make_error(Errc::kTimeout,
                        "MySQL database '" + o_.name + "': timed out waiting for lock " + name);
    }
    return got;
  }

  Result<void> unlock(Connection& c, std::string_view key) override {
    const std::string name = lock_name(key);
    const Param p[] = {Param::text(name)};
    auto r = c.run(kUnlock, "SELECT RELEASE_LOCK(?)", p);
    if (!r) return std::move(r).error();
    return {};
  }

 private:
  // GET_LOCK names are server-wide and at most 64 characters: hash in the database name.
  std::string lock_name(std::string_view key) const {
    char hex[17];
    std::snprintf(
        hex, sizeof hex, "%016llx",
        static_cast<unsigned long long>(fnv1a64(o_.url.database + "/" + std::string(key))));
    return "sessionpp:" + std::string(hex);
  }

  DriverOptions o_;
};

}  // namespace

std::unique_ptr<Driver> make_mysql_driver(DriverOptions options) {
  return std::make_unique<MysqlDriver>(std::move(options));
}

}  // namespace sessionpp::sql
