// The PostgreSQL driver: libpq, prepared statements, binary parameters and results.

#include <libpq-fe.h>

#include <array>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "stores/sql/c_handle.h"
#include "stores/sql/driver.h"
#include "stores/sql/schema.h"

namespace sessionpp::sql {
namespace {

using PgConnPtr = std::unique_ptr<PGconn, CDeleter<&PQfinish>>;
using PgResultPtr = std::unique_ptr<PGresult, CDeleter<&PQclear>>;

// Type OIDs (pg_type.h) this driver converts.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

// Driver statement ids (the store's are below 200).
enum : int { kReadOnlyCheck = 200, kTryLock, kLock, kUnlock };

const Dialect& pg_dialect() {
  static const Dialect d{
      .kind = "postgresql",
      .schema_sql = kPostgresSchemaSql,
      .schema_file = "src/stores/sql/schema/postgresql.sql",
      .begin_write = "BEGIN",
      .for_update = " FOR UPDATE",
      .upsert_attribute =
          "INSERT INTO {a} (session_id, name, value) VALUES (?, ?, ?) "
          "ON CONFLICT (session_id, name) DO UPDATE SET value = EXCLUDED.value",
      .insert_returning = true,
      // SKIP LOCKED: a row a request holds right now is left for the next round.
      .purge_batch =
          "DELETE FROM {s} WHERE id IN (SELECT id FROM {s} WHERE expires_at <= ? "
          "ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING handle",
  };
  return d;
}

// `?` placeholders become $1, $2, ... (our statements hold no `?` in literals).
std::string number_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char ch : sql) {
    if (ch == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string trimmed(const char* msg) {
  std::string s = msg == nullptr ? "" : msg;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::int64_t read_be(const char* p, int len) {
  std::uint64_t v = 0;
  for (int i = 0; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend values shorter than 8 bytes.
  if (len < 8 && len > 0 && (static_cast<unsigned char>(p[0]) & 0x80) != 0) {
    v |= ~std::uint64_t{0} << (8 * len);
  }
  return static_cast<std::int64_t>(v);
}

void no_notices(void*, const char*) {}

class PgConnection final : public Connection {
 public:
  PgConnection(PgConnPtr conn, const DriverOptions& o) : conn_(std::move(conn)), o_(o) {}

  Result<QueryResult> run(int id, const std::string& sql, std::span<const Param> params) override {
    auto it = prepared_.find(id);
    if (it == prepared_.end()) {
      std::vector<Oid> types;
      types.reserve(params.size());
      for (const Param& p : params) {
        switch (p.kind) {
          case Param::Kind::kInt:
            types.push_back(kInt8Oid);
            break;
          case Param::Kind::kText:
            types.push_back(kTextOid);
            break;
          case Param::Kind::kBytes:
            types.push_back(kByteaOid);
            break;
          case Param::Kind::kNull:
            types.push_back(0);
            break;  // inferred from the statement
        }
      }
      std::string name = "sessionpp_" + std::to_string(id);
      PgResultPtr res(PQprepare(conn_.get(), name.c_str(), number_placeholders(sql).c_str(),
                                static_cast<int>(types.size()), types.data()));
      if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(res.get());
      it = prepared_.emplace(id, std::move(name)).first;
    }

    // Every parameter goes in binary: integers as 8 big-endian bytes, text and bytea as is.
    const std::size_t n = params.size();
    std::vector<const char*> values(n);
    std::vector<int> lengths(n);
    std::vector<int> formats(n, 1);
    std::vector<std::array<char, 8>> ints(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Param& p = params[i];
      switch (p.kind) {
        case Param::Kind::kNull:
          values[i] = nullptr;
          break;
        case Param::Kind::kInt: {
          auto v = static_cast<std::uint64_t>(p.i);
          for (int b = 7; b >= 0; --b, v >>= 8) ints[i][b] = static_cast<char>(v & 0xff);
          values[i] = ints[i].data();
          lengths[i] = 8;
          break;
        }
        case Param::Kind::kText:
        case Param::Kind::kBytes:
          // libpq reads `length` bytes of a binary parameter: a view needs no terminator.
          values[i] = p.s.empty() ? "" : p.s.data();
          lengths[i] = static_cast<int>(p.s.size());
          break;
      }
    }
    PgResultPtr res(PQexecPrepared(conn_.get(), it->second.c_str(), static_cast<int>(n),
                                   values.data(), lengths.data(), formats.data(),
                                   /*resultFormat=*/1));
    const ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(res.get());
    QueryResult out;
    const char* tuples = PQcmdTuples(res.get());
    if (tuples != nullptr && *tuples != '\0') out.affected = std::strtoull(tuples, nullptr, 10);
    const int rows = PQntuples(res.get());
    const int cols = PQnfields(res.get());
    out.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      Row row(cols);
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res.get(), r, c)) continue;
        const char* v = PQgetvalue(res.get(), r, c);
        const int len = PQgetlength(res.get(), r, c);
        switch (PQftype(res.get(), c)) {
          case kInt8Oid:
          case kInt4Oid:
          case kInt2Oid:
            row[c] = std::to_string(read_be(v, len));
            break;
          case kBoolOid:
            row[c] = (len > 0 && v[0] != 0) ? "1" : "0";
            break;
          default:
            row[c] = std::string(v, static_cast<std::size_t>(len));
        }
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  }

  Result<void> exec(const std::string& sql) override {
    PgResultPtr res(PQexec(conn_.get(), sql.c_str()));
    const ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(res.get());
    return {};
  }

 private:
  // Every libpq failure is translated here.
  Error fail(const PGresult* res) {
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state != nullptr ? state : "";
    const std::string msg =
        trimmed(res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn_.get()));
    const std::string where =
        "PostgreSQL database '" + o_.name + "' at " + o_.url.endpoint() + ": ";
    if (PQstatus(conn_.get()) != CONNECTION_OK || code.starts_with("08") || code == "57P01" ||
        code == "57P02" || code == "57P03") {
      broken_ = true;
      return make_error(
          Errc::kUnavailable,
          where + "connection lost: " + (msg.empty() ? trimmed(PQerrorMessage(conn_.get())) : msg));
    }
    if (code == "40P01" || code == "40001") {
      retryable_ = true;
      return make_error(Errc::kConflict, where + msg);
    }
    if (code == "57014" || code == "55P03") {
      return make_error(Errc::kTimeout, where + msg + " (SqlStoreOptions.statement_timeout = " +
                                            std::to_string(o_.statement_timeout_ms) + " ms)");
    }
    if (code == "25006") {
      return make_error(
          Errc::kReadOnly,
          where + "read-only (default_transaction_read_only or a hot standby): " + msg);
    }
    if (code == "42501") {
      return make_error(Errc::kReadOnly,
                        where + "user '" + o_.url.user + "' lacks a privilege: " + msg);
    }
    if (code.starts_with("22")) return make_error(Errc::kInvalidArgument, where + msg);
    if (code == "23505") return make_error(Errc::kConflict, where + "already exists: " + msg);
    return make_error(Errc::kInternal, where + msg + (code.empty() ? "" : " [" + code + "]"));
  }

  PgConnPtr conn_;
  const DriverOptions& o_;
  std::unordered_map<int, std::string> prepared_;
};

class PgDriver final : public Driver {
 public:
  explicit PgDriver(DriverOptions o) : o_(std::move(o)) {}

  const Dialect& dialect() const noexcept override { return pg_dialect(); }

  Result<std::unique_ptr<Connection>> connect() override {
    std::vector<std::string> keys, values;
    auto add = [&](std::string k, std::string v) {
      keys.push_back(std::move(k));
      values.push_back(std::move(v));
    };
    if (!o_.url.host.empty()) add("host", o_.url.host);
    if (o_.url.port != 0) add("port", std::to_string(o_.url.port));
    add("dbname", o_.url.database);
    if (!o_.url.user.empty()) add("user", o_.url.user);
    if (!o_.url.password.empty()) add("password", o_.url.password);
    // libpq counts whole seconds and treats 1 as 2.
    add("connect_timeout",
        std::to_string(std::max<std::int64_t>(2, (o_.connect_timeout_ms + 999) / 1000)));
    add("application_name", "sessionpp");
    // A server that vanishes mid-statement (no RST) would otherwise hang the caller for the
    // kernel's TCP timeout: libpq has no read timeout of its own.
    if (o_.url.param("tcp_user_timeout") == nullptr) {
      add("tcp_user_timeout", std::to_string(o_.statement_timeout_ms + o_.connect_timeout_ms));
    }
    if (o_.url.param("keepalives_idle") == nullptr) add("keepalives_idle", "30");
    for (const auto& [k, v] : o_.url.params) add(k, v);
    std::vector<const char*> k, v;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      k.push_back(keys[i].c_str());
      v.push_back(values[i].c_str());
    }
    k.push_back(nullptr);
    v.push_back(nullptr);
    PgConnPtr conn(PQconnectdbParams(k.data(), v.data(), /*expand_dbname=*/0));
    if (conn == nullptr) return make_error(Errc::kInternal, "libpq could not allocate");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      const std::string msg = trimmed(PQerrorMessage(conn.get()));
      Errc code = Errc::kUnavailable;
      if (msg.find("timeout expired") != std::string::npos) {
        code = Errc::kTimeout;
      } else if (msg.find("authentication failed") != std::string::npos ||
                 msg.find("does not exist") != std::string::npos ||
                 msg.find("no pg_hba.conf entry") != std::string::npos ||
                 msg.find("invalid ") != std::string::npos) {
        code = Errc::kInvalidArgument;
      }
      return make_error(code, "cannot connect to PostgreSQL database '" + o_.name + "' at " +
                                  o_.url.endpoint() + " as user '" + o_.url.user + "': " + msg);
    }
    PQsetNoticeProcessor(conn.get(), &no_notices, nullptr);
    auto c = std::make_unique<PgConnection>(std::move(conn), o_);
    const std::string t = std::to_string(o_.statement_timeout_ms);
    if (auto r = c->exec("SET statement_timeout = " + t + "; SET lock_timeout = " + t); !r) {
      return std::move(r).error();
    }
    return std::unique_ptr<Connection>(std::move(c));
  }

  Result<void> check_writable(Connection& c) override {
    auto r = c.run(kReadOnlyCheck,
                   "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')", {});
    if (!r) return std::move(r).error();
    if (r->rows.empty()) return {};
    const Row& row = r->rows[0];
    const std::string where = "PostgreSQL database '" + o_.name + "' at " + o_.url.endpoint();
    if (row[0] && *row[0] == "1") {
      return make_error(Errc::kReadOnly, where +
                                             " is a hot standby (pg_is_in_recovery() is "
                                             "true): sessions need a writable primary");
    }
    if (row[1] && *row[1] == "on") {
      return make_error(Errc::kReadOnly, where + " is read-only for user '" + o_.url.user +
                                             "': default_transaction_read_only is on");
    }
    return {};
  }

  Result<bool> lock(Connection& c, std::string_view key, bool wait) override {
    const Param p[] = {Param::integer(static_cast<std::int64_t>(fnv1a64(key)))};
    if (wait) {
      auto r = c.run(kLock, "SELECT pg_advisory_lock(?)", p);
      if (!r) return std::move(r).error();
      return true;
    }
    auto r = c.run(kTryLock, "SELECT pg_try_advisory_lock(?)", p);
    if (!r) return std::move(r).error();
    return !r->rows.empty() && r->rows[0][0] && *r->rows[0][0] == "1";
  }

  Result<void> unlock(Connection& c, std::string_view key) override {
    const Param p[] = {Param::integer(static_cast<std::int64_t>(fnv1a64(key)))};
    auto r = c.run(kUnlock, "SELECT pg_advisory_unlock(?)", p);
    if (!r) return std::move(r).error();
    return {};
  }

 private:
  DriverOptions o_;
};

}  // namespace

std::unique_ptr<Driver> make_postgres_driver(DriverOptions options) {
  return std::make_unique<PgDriver>(std::move(options));
}

}  // namespace sessionpp::sql
