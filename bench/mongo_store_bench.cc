// MongoDB store throughput with 1, 8 and 32 threads (find, save, touch, find_by_principal:
// bench/store_ops.h), next to a raw libmongoc find by _id measured in the same run against the
// same server and collection. A benchmark, not a test: it prints figures and
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

#include "bench/store_ops.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp {
namespace {

constexpr std::size_t kSessions = 2000;
constexpr int kMaxThreads = 32;

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
  bench::Population pop;
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
  o.pool_size = kMaxThreads;
  auto repo = open_mongo_store(o);
  if (!repo) {
    std::fprintf(stderr, "mongo_store_bench: %s\n", repo.error().to_string().c_str());
    return false;
  }
  f->repo = std::move(*repo);
  f->pop = bench::populate(*f->repo, kSessions, "mongo-bench");
  if (!f->pop.error.empty()) {
    std::fprintf(stderr, "mongo_store_bench: fill: %s\n", f->pop.error.c_str());
    return false;
  }
  f->uri = mongoc_uri_new(o.uri.c_str());
  mongoc_uri_set_option_as_int32(f->uri, MONGOC_URI_MAXPOOLSIZE, kMaxThreads);
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

// The floor: libmongoc alone, find one document by _id from a client pool.
void BM_RawMongocFindById(benchmark::State& state) {
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1);
  std::uniform_int_distribution<std::size_t> pick(0, fixture->pop.handles.size() - 1);
  bson_t* opts = BCON_NEW("limit", BCON_INT64(1));
  std::size_t errors = 0;
  for (auto _ : state) {
    mongoc_client_t* client = mongoc_client_pool_pop(fixture->pool);
    mongoc_collection_t* coll = mongoc_client_get_collection(client, fixture->database.c_str(),
                                                             fixture->collection.c_str());
    bson_t* filter = BCON_NEW("_id", BCON_UTF8(fixture->pop.handles[pick(rng)].c_str()));
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

BENCHMARK(BM_RawMongocFindById)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();

}  // namespace
}  // namespace sessionpp

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (!sessionpp::set_up()) {
    std::fprintf(stderr, "mongo_store_bench: no server (scripts/services start ferretdb)\n");
    return 1;
  }
  sessionpp::bench::register_store_ops(
      "mongo", []() -> const sessionpp::bench::Population& { return sessionpp::fixture->pop; },
      {1, 8, 32});
  sessionpp::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  sessionpp::bench::print_summary(reporter, "mongo", "BM_RawMongocFindById", {1, 8, 32});
  sessionpp::tear_down();
  benchmark::Shutdown();
  return 0;
}
