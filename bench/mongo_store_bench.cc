// MongoDB store throughput with 8 threads, next to a raw libmongoc find by _id measured in the
// same run against the same server and collection. A benchmark, not a test: it prints figures and
// ratios and never fails on a number.
//   scripts/services start ferretdb
//   build/bench/mongo_store_bench            # SESSIONPP_TEST_MONGO_URI picks the server
#include <benchmark/benchmark.h>
#include <mongoc/mongoc.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "sessionpp/mongo_store.h"

namespace sessionpp {
namespace {

constexpr int kSessions = 2000;
constexpr int kThreads = 8;

std::string test_uri() {
  const char* uri = std::getenv("SESSIONPP_TEST_MONGO_URI");
  return uri != nullptr && *uri != '\0'
             ? uri
             : "mongodb://sessionpp:sessionpp-test@127.0.0.1:27117/sessionpp";
}

// One collection for the whole run, filled once.
struct Fixture {
  std::string collection;
  std::unique_ptr<SessionRepository> repo;
  std::vector<std::string> ids;
  std::vector<std::string> handles;
  mongoc_uri_t* uri = nullptr;
  mongoc_client_pool_t* pool = nullptr;  // for the raw libmongoc baseline
  std::string database;
};

Fixture* fixture = nullptr;

bool set_up() {
  unsigned char raw[4];
  randombytes_buf(raw, sizeof raw);
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3]);
  auto f = std::make_unique<Fixture>();
  f->collection = std::string("bench_") + suffix + "_sessions";
  MongoOptions o;
  o.uri = test_uri();
  o.collection = f->collection;
  o.pool_size = kThreads * 2;
  auto repo = open_mongo_store(o);
  if (!repo) {
    std::fprintf(stderr, "mongo_store_bench: %s\n", repo.error().to_string().c_str());
    return false;
  }
  f->repo = std::move(*repo);
  for (int i = 0; i < kSessions; ++i) {
    Session s = f->repo->create();
    s.set_principal("user-" + std::to_string(i));
    (void)s.set_attribute("role", "user");
    (void)s.set_attribute("cart", std::string(200, 'c'));
    if (auto r = f->repo->save(s); !r) {
      std::fprintf(stderr, "mongo_store_bench: fill: %s\n", r.error().to_string().c_str());
      return false;
    }
    f->ids.push_back(s.id()->str());
    f->handles.push_back(s.handle());
  }
  f->uri = mongoc_uri_new(o.uri.c_str());
  mongoc_uri_set_option_as_int32(f->uri, MONGOC_URI_MAXPOOLSIZE, kThreads * 2);
  f->pool = mongoc_client_pool_new(f->uri);
  mongoc_client_pool_set_error_api(f->pool, MONGOC_ERROR_API_VERSION_2);
  const char* db = mongoc_uri_get_database(f->uri);
  f->database = db != nullptr ? db : "sessionpp";
  fixture = f.release();
  return true;
}

void tear_down() {
  if (fixture == nullptr) return;
  {
    mongoc_client_t* client = mongoc_client_pool_pop(fixture->pool);
    mongoc_collection_t* coll = mongoc_client_get_collection(client, fixture->database.c_str(),
                                                             fixture->collection.c_str());
    bson_error_t err;
    (void)mongoc_collection_drop(coll, &err);
    mongoc_collection_destroy(coll);
    coll = mongoc_client_get_collection(client, fixture->database.c_str(),
                                        (fixture->collection + "_locks").c_str());
    (void)mongoc_collection_drop(coll, &err);
    mongoc_collection_destroy(coll);
    mongoc_client_pool_push(fixture->pool, client);
  }
  fixture->repo.reset();
  mongoc_client_pool_destroy(fixture->pool);
  mongoc_uri_destroy(fixture->uri);
  delete fixture;
  fixture = nullptr;
}

// The store's find: id check, hash, one query filtered on expiry, decode.
void BM_StoreFind(benchmark::State& state) {
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::uniform_int_distribution<std::size_t> pick(0, fixture->ids.size() - 1);
  std::size_t errors = 0;
  for (auto _ : state) {
    auto found = fixture->repo->find(fixture->ids[pick(rng)]);
    if (!found || !found->has_value()) ++errors;
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["errors"] = static_cast<double>(errors);
}

// The store's save of a changed attribute on a loaded session (each thread its own sessions).
void BM_StoreSave(benchmark::State& state) {
  std::vector<Session> mine;
  for (std::size_t i = static_cast<std::size_t>(state.thread_index()); i < fixture->ids.size();
       i += static_cast<std::size_t>(state.threads())) {
    auto found = fixture->repo->find(fixture->ids[i]);
    if (found && found->has_value()) mine.push_back(std::move(**found));
    if (mine.size() >= 100) break;
  }
  std::size_t next = 0;
  std::size_t errors = 0;
  std::int64_t n = 0;
  for (auto _ : state) {
    Session& s = mine[next++ % mine.size()];
    (void)s.set_int("counter", ++n);
    if (!fixture->repo->save(s)) ++errors;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["errors"] = static_cast<double>(errors);
}

// The floor: libmongoc alone, find one document by _id from a client pool.
void BM_RawMongocFindById(benchmark::State& state) {
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::uniform_int_distribution<std::size_t> pick(0, fixture->handles.size() - 1);
  bson_t* opts = BCON_NEW("limit", BCON_INT64(1));
  std::size_t errors = 0;
  for (auto _ : state) {
    mongoc_client_t* client = mongoc_client_pool_pop(fixture->pool);
    mongoc_collection_t* coll = mongoc_client_get_collection(client, fixture->database.c_str(),
                                                             fixture->collection.c_str());
    bson_t* filter = BCON_NEW("_id", BCON_UTF8(fixture->handles[pick(rng)].c_str()));
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll, filter, opts, nullptr);
    const bson_t* doc = nullptr;
    if (!mongoc_cursor_next(cursor, &doc)) ++errors;
    benchmark::DoNotOptimize(doc);
    mongoc_cursor_destroy(cursor);
    bson_destroy(filter);
    mongoc_collection_destroy(coll);
    mongoc_client_pool_push(fixture->pool, client);
  }
  bson_destroy(opts);
  state.SetItemsProcessed(state.iterations());
  state.counters["errors"] = static_cast<double>(errors);
}

BENCHMARK(BM_RawMongocFindById)->Threads(1)->Threads(kThreads)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_StoreFind)->Threads(1)->Threads(kThreads)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_StoreSave)->Threads(1)->Threads(kThreads)->UseRealTime()->MinTime(2.0);

// Prints the console report, then the store's throughput as a share of the raw find's.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rate_[r.benchmark_name()] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const char* threads : {"threads:1", "threads:8"}) {
      const double raw = rate("BM_RawMongocFindById", threads);
      if (raw <= 0) continue;
      std::printf(
          "%s: raw libmongoc find %.0f/s; store find %.0f/s (%.2fx raw); store save %.0f/s "
          "(%.2fx raw find)\n",
          threads, raw, rate("BM_StoreFind", threads), rate("BM_StoreFind", threads) / raw,
          rate("BM_StoreSave", threads), rate("BM_StoreSave", threads) / raw);
    }
  }

 private:
  double rate(const std::string& name, const std::string& threads) const {
    const auto it = rate_.find(name + "/min_time:2.000/real_time/" + threads);
    return it == rate_.end() ? 0 : it->second;
  }
  std::map<std::string, double> rate_;
};

}  // namespace
}  // namespace sessionpp

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (!sessionpp::set_up()) {
    std::fprintf(stderr, "mongo_store_bench: no server (scripts/services start ferretdb)\n");
    return 1;
  }
  sessionpp::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  sessionpp::tear_down();
  benchmark::Shutdown();
  return 0;
}
