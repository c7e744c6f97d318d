// Throughput of the Redis store's find, save, touch and find_by_principal (bench/store_ops.h) with
// 1, 8 and 32 threads, next to redis-benchmark's HGETALL of a session-sized hash at the same
// concurrency, measured in the same run. Needs the test server (scripts/services start redis);
// SESSIONPP_TEST_REDIS_URL overrides where it is. A benchmark, not a test: it never fails on a
// number.
//
//   build-redis/bench/redis_store_bench [--benchmark_min_time=2]
// SESSIONPP_BENCH_PIPELINED_READS sets pool.pipelined_reads of the store under test (default 2).
// The table at the end gives the ratio find / redis-benchmark; redis-benchmark runs right before
// and right after the store's benchmarks at each concurrency.

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/store_ops.h"
#include "sessionpp/redis_store.h"
#include "stores/redis/connection.h"

namespace {

using sessionpp::RedisOptions;
using sessionpp::SessionRepository;

constexpr int kSessions = 2000;
constexpr int kBaselineRequests = 200000;

std::unique_ptr<SessionRepository> g_repo;
std::unique_ptr<SessionRepository> g_pooled;  // the same with pool.pipelined_reads = 0
sessionpp::bench::Population g_population;
sessionpp::bench::Population g_pooled_population;  // the same sessions, through g_pooled
RedisOptions g_options;

// find through the store without auto-pipelined reads: one pooled connection per call.
void BM_RedisFindPooled(benchmark::State& state) {
  sessionpp::bench::find(state, g_pooled_population);
}

// The same HGETALL through plain blocking hiredis, one connection per thread and nothing else:
// the ceiling for any blocking thread-per-request client on this machine.
void BM_HiredisHgetall(benchmark::State& state) {
  sessionpp::redis::Endpoint ep{.host = g_options.host,
                                .port = g_options.port,
                                .username = g_options.username,
                                .password = g_options.password,
                                .database = g_options.database};
  auto conn = sessionpp::redis::Connection::open(ep);
  if (!conn) {
    state.SkipWithError(conn.error().to_string().c_str());
    return;
  }
  const std::string key = g_options.key_prefix + "{" + g_population.handles[0] + "}";
  for (auto _ : state) {
    void* reply = redisCommand((*conn)->context(), "HGETALL %b", key.data(), key.size());
    if (reply == nullptr) {
      state.SkipWithError("HGETALL failed");
      break;
    }
    freeReplyObject(reply);
  }
  state.SetItemsProcessed(state.iterations());
}

constexpr int kThreadCounts[] = {1, 8, 32};

BENCHMARK(BM_RedisFindPooled)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();
BENCHMARK(BM_HiredisHgetall)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// redis-benchmark's HGETALL of `key` with `clients` connections, one request in flight each;
// requests per second, or 0 when it could not run.
double baseline_hgetall(const std::string& key, int clients) {
  std::string cmd =
      "redis-benchmark -h " + shell_quote(g_options.host) + " -p " +
      std::to_string(g_options.port) + " --dbnum " + std::to_string(g_options.database) + " -n " +
      std::to_string(kBaselineRequests) + " -c " + std::to_string(clients) + " -P 1 --csv";
  if (!g_options.username.empty()) cmd += " --user " + shell_quote(g_options.username);
  if (!g_options.password.empty()) cmd += " -a " + shell_quote(g_options.password);
  cmd += " hgetall " + shell_quote(key) + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return 0;
  char line[512];
  double rps = 0;
  while (std::fgets(line, sizeof line, p) != nullptr) {
    // "test","rps",...  then  "hgetall ...","123456.79",...
    const std::string l(line);
    if (l.rfind("\"hgetall", 0) != 0 && l.rfind("\"HGETALL", 0) != 0) continue;
    const auto a = l.find("\",\"");
    if (a != std::string::npos) rps = std::atof(l.c_str() + a + 3);
  }
  pclose(p);
  return rps;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* url = std::getenv("SESSIONPP_TEST_REDIS_URL");
  auto parsed = RedisOptions::from_uri(url ? url : "redis://:sessionpp-test@127.0.0.1:16379/3");
  if (!parsed) {
    std::fprintf(stderr, "redis_store_bench: %s\n", parsed.error().to_string().c_str());
    return 0;
  }
  g_options = *parsed;
  g_options.key_prefix = "bench:";
  g_options.pool.size = 32;
  if (const char* lanes = std::getenv("SESSIONPP_BENCH_PIPELINED_READS")) {
    g_options.pool.pipelined_reads = static_cast<std::size_t>(std::atoi(lanes));
  }
  g_options.keyspace_events = false;
  auto opened = sessionpp::open_redis_store(g_options);
  if (!opened) {
    std::fprintf(stderr, "redis_store_bench: skipped, %s\n", opened.error().to_string().c_str());
    return 0;
  }
  g_repo = std::move(*opened);
  RedisOptions pooled = g_options;
  pooled.pool.pipelined_reads = 0;
  auto opened_pooled = sessionpp::open_redis_store(pooled);
  if (!opened_pooled) return 0;
  g_pooled = std::move(*opened_pooled);
  g_population =
      sessionpp::bench::populate(*g_repo, static_cast<std::size_t>(kSessions), "redis-bench");
  if (!g_population.error.empty()) {
    std::fprintf(stderr, "redis_store_bench: %s\n", g_population.error.c_str());
    return 0;
  }
  g_pooled_population = g_population;
  g_pooled_population.repo = g_pooled.get();
  sessionpp::bench::register_store_ops(
      "redis", []() -> const sessionpp::bench::Population& { return g_population; },
      {std::begin(kThreadCounts), std::end(kThreadCounts)});

  // One phase per concurrency: redis-benchmark right before and right after the store's
  // benchmarks at that concurrency (the mean is the baseline), so that load from other processes
  // on a shared machine hits both sides alike. The phases replace --benchmark_filter.
  sessionpp::bench::RateReporter reporter;
  const std::string key = g_options.key_prefix + "{" + g_population.handles[0] + "}";
  std::map<int, double> baseline;
  for (int threads : kThreadCounts) {
    const double before = baseline_hgetall(key, threads);
    benchmark::RunSpecifiedBenchmarks(&reporter, ".*/threads:" + std::to_string(threads) + "$");
    const double after = baseline_hgetall(key, threads);
    baseline[threads] = (before + after) / 2;
  }

  // The baseline reads the hash of a real session: same fields, same size.
  std::printf("\nfind vs redis-benchmark HGETALL of a session hash (same run, -P 1):\n");
  std::printf("%-8s %8s %8s %8s %10s %14s %17s %17s %7s\n", "threads", "find/s", "save/s",
              "touch/s", "by-user/s", "find(pooled)/s", "hiredis HGETALL/s", "redis-benchmark/s",
              "find %");
  for (int threads : kThreadCounts) {
    auto rate = [&](const std::string& name) { return reporter.rate(name, threads); };
    const double find = rate("redis/find");
    const double base = baseline[threads];
    std::printf("%-8d %8.0f %8.0f %8.0f %10.0f %14.0f %17.0f %17.0f %6.0f%%\n", threads, find,
                rate("redis/save"), rate("redis/touch"), rate("redis/find_by_principal"),
                rate("BM_RedisFindPooled"), rate("BM_HiredisHgetall"), base,
                base > 0 ? 100.0 * find / base : 0.0);
  }

  sessionpp::bench::depopulate(g_population);
  g_repo.reset();
  g_pooled.reset();
  benchmark::Shutdown();
  return 0;
}
