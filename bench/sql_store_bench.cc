// SQL store throughput with 1, 8 and 32 threads, per dialect: find, save of one changed
// attribute (one transaction of lock, update, upsert, commit), touch and find_by_principal
// (bench/store_ops.h), next to a raw prepared primary-key SELECT through the same client library
// in the same run, which is the floor a store on that database cannot beat. Not a test: numbers
// only.
//
//   eval "$(scripts/services env)"; build/bench/sql_store_bench
//
// Servers from SESSIONPP_TEST_PG_URL / SESSIONPP_TEST_MYSQL_URL (defaults as the tests'); SQLite
// in a temp file.

#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bench/store_ops.h"
#include "sessionpp/sql_store.h"
#include "stores/sql/url.h"

namespace {

using sessionpp::SessionRepository;

constexpr std::size_t kSessions = 2000;
constexpr const char* kPrefix = "bench_";

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::string url_of(const std::string& dialect) {
  if (dialect == "postgres") {
    return env_or("SESSIONPP_TEST_PG_URL",
                  "postgresql://sessionpp:sessionpp-test@127.0.0.1:15432/sessionpp");
  }
  if (dialect == "mariadb") {
    return env_or("SESSIONPP_TEST_MYSQL_URL",
                  "mysql://sessionpp:sessionpp-test@127.0.0.1:13306/sessionpp");
  }
  static const std::string file = (std::filesystem::temp_directory_path() /
                                   ("sessionpp-bench-" + std::to_string(getpid()) + ".sqlite"))
                                      .string();
  return "sqlite://" + file;
}

// One store per dialect, filled once with kSessions sessions; shared by all threads.
struct Fixture {
  std::unique_ptr<SessionRepository> repo;
  sessionpp::bench::Population pop;
  std::string error;
};

Fixture& fixture(const std::string& dialect) {
  static std::mutex mu;
  static std::map<std::string, Fixture> all;
  std::lock_guard lock(mu);
  auto [it, fresh] = all.try_emplace(dialect);
  Fixture& f = it->second;
  if (!fresh) return f;
  sessionpp::SqlStoreOptions o{.url = url_of(dialect), .table_prefix = kPrefix};
  o.pool.size = 32;
  auto r = sessionpp::open_sql_store(o);
  if (!r) {
    f.error = r.error().to_string();
    f.pop.error = f.error;
    return f;
  }
  f.repo = std::move(*r);
  f.pop = sessionpp::bench::populate(*f.repo, kSessions, dialect);
  f.error = f.pop.error;
  return f;
}

// --- raw client-library baselines: SELECT the session row by primary key ------------------------

constexpr const char* kRawSql =
    "SELECT created, last_accessed, max_inactive, absolute_deadline, expires_at, principal "
    "FROM bench_sessions WHERE id = ";

void BM_RawPostgres(benchmark::State& state) {
  Fixture& f = fixture("postgres");
  if (!f.repo) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  auto url = sessionpp::sql::parse_db_url(url_of("postgres"));
  const std::string conninfo = "host=" + url->host + " port=" + std::to_string(url->port) +
                               " dbname=" + url->database + " user=" + url->user +
                               " password=" + url->password;
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    state.SkipWithError(PQerrorMessage(c));
    PQfinish(c);
    return;
  }
  PQclear(PQprepare(c, "pk", (std::string(kRawSql) + "$1").c_str(), 1, nullptr));
  std::int64_t i = state.thread_index() * 997;
  for (auto _ : state) {
    const std::string id = std::to_string(1 + (i++ % static_cast<std::int64_t>(kSessions)));
    const char* values[] = {id.c_str()};
    PGresult* r = PQexecPrepared(c, "pk", 1, values, nullptr, nullptr, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      state.SkipWithError(PQresultErrorMessage(r));
      PQclear(r);
      break;
    }
    benchmark::DoNotOptimize(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  state.SetItemsProcessed(state.iterations());
}

void BM_RawMariadb(benchmark::State& state) {
  Fixture& f = fixture("mariadb");
  if (!f.repo) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  auto url = sessionpp::sql::parse_db_url(url_of("mariadb"));
  MYSQL* m = mysql_init(nullptr);
  if (mysql_real_connect(m, url->host.c_str(), url->user.c_str(), url->password.c_str(),
                         url->database.c_str(), static_cast<unsigned>(url->port), nullptr,
                         0) == nullptr) {
    state.SkipWithError(mysql_error(m));
    mysql_close(m);
    return;
  }
  MYSQL_STMT* st = mysql_stmt_init(m);
  const std::string sql = std::string(kRawSql) + "?";
  mysql_stmt_prepare(st, sql.c_str(), static_cast<unsigned long>(sql.size()));
  long long id = 0;
  MYSQL_BIND param;
  std::memset(&param, 0, sizeof param);
  param.buffer_type = MYSQL_TYPE_LONGLONG;
  param.buffer = &id;
  mysql_stmt_bind_param(st, &param);
  long long cols[5] = {};
  char principal[64];
  unsigned long principal_len = 0;
  my_bool nulls[6] = {};
  MYSQL_BIND res[6];
  std::memset(res, 0, sizeof res);
  for (int c = 0; c < 5; ++c) {
    res[c].buffer_type = MYSQL_TYPE_LONGLONG;
    res[c].buffer = &cols[c];
    res[c].is_null = &nulls[c];
  }
  res[5].buffer_type = MYSQL_TYPE_BLOB;
  res[5].buffer = principal;
  res[5].buffer_length = sizeof principal;
  res[5].length = &principal_len;
  res[5].is_null = &nulls[5];
  mysql_stmt_bind_result(st, res);
  std::int64_t i = state.thread_index() * 997;
  for (auto _ : state) {
    id = 1 + (i++ % static_cast<std::int64_t>(kSessions));
    if (mysql_stmt_execute(st) != 0 || mysql_stmt_store_result(st) != 0) {
      state.SkipWithError(mysql_stmt_error(st));
      break;
    }
    while (mysql_stmt_fetch(st) == 0) benchmark::DoNotOptimize(cols[0]);
    mysql_stmt_free_result(st);
  }
  mysql_stmt_close(st);
  mysql_close(m);
  state.SetItemsProcessed(state.iterations());
}

void BM_RawSqlite(benchmark::State& state) {
  Fixture& f = fixture("sqlite");
  if (!f.repo) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  auto url = sessionpp::sql::parse_db_url(url_of("sqlite"));
  sqlite3* db = nullptr;
  sqlite3_open_v2(url->path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  const std::string sql = std::string(kRawSql) + "?";
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  std::int64_t i = state.thread_index() * 997;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, 1 + (i++ % static_cast<std::int64_t>(kSessions)));
    while (sqlite3_step(st) == SQLITE_ROW) benchmark::DoNotOptimize(sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}

// Drops the bench tables (and the SQLite file) at exit, so no run sees another's rows.
struct Cleanup {
  ~Cleanup() {
    for (const char* d : {"postgres", "mariadb"}) {
      auto url = sessionpp::sql::parse_db_url(url_of(d));
      if (!url) continue;
      const char* drops[] = {"DROP TABLE IF EXISTS bench_session_attributes",
                             "DROP TABLE IF EXISTS bench_sessions",
                             "DROP TABLE IF EXISTS bench_schema_version"};
      if (std::string(d) == "postgres") {
        const std::string conninfo = "host=" + url->host + " port=" + std::to_string(url->port) +
                                     " dbname=" + url->database + " user=" + url->user +
                                     " password=" + url->password + " connect_timeout=2";
        PGconn* c = PQconnectdb(conninfo.c_str());
        if (PQstatus(c) == CONNECTION_OK) {
          for (const char* sql : drops) PQclear(PQexec(c, sql));
        }
        PQfinish(c);
      } else {
        MYSQL* m = mysql_init(nullptr);
        if (mysql_real_connect(m, url->host.c_str(), url->user.c_str(), url->password.c_str(),
                               url->database.c_str(), static_cast<unsigned>(url->port), nullptr,
                               0) != nullptr) {
          for (const char* sql : drops) mysql_query(m, sql);
        }
        mysql_close(m);
      }
    }
    auto lite = sessionpp::sql::parse_db_url(url_of("sqlite"));
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(lite->path + suffix, ec);
    }
  }
};

}  // namespace

BENCHMARK(BM_RawPostgres)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
BENCHMARK(BM_RawMariadb)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
BENCHMARK(BM_RawSqlite)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();

int main(int argc, char** argv) {
  // Drop what an interrupted earlier run left before filling the tables again.
  { Cleanup before; }
  Cleanup after;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const char* dialect : {"postgres", "mariadb", "sqlite"}) {
    const std::string d = dialect;
    sessionpp::bench::register_store_ops(
        d, [d]() -> const sessionpp::bench::Population& { return fixture(d).pop; }, {1, 8, 32});
  }
  sessionpp::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  sessionpp::bench::print_summary(reporter, "postgres", "BM_RawPostgres", {1, 8, 32});
  sessionpp::bench::print_summary(reporter, "mariadb", "BM_RawMariadb", {1, 8, 32});
  sessionpp::bench::print_summary(reporter, "sqlite", "BM_RawSqlite", {1, 8, 32});
  benchmark::Shutdown();
  return 0;
}
