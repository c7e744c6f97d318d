#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"

namespace sessionpp::testing {
namespace {

// Each test's namespace becomes the key prefix; cleanup deletes the keys under it.
StoreUnderTest redis_store(std::string name, std::size_t pipelined_reads) {
  return StoreUnderTest{
      .name = std::move(name),
      .open =
          [pipelined_reads](const SessionPolicy& policy, const std::string& ns) {
            RedisOptions o = redis_test_options(ns);
            o.policy = policy;
            o.pool.pipelined_reads = pipelined_reads;
            return open_redis_store(o);
          },
      .cleanup = [](const std::string& ns) { redis_delete_prefix(redis_test_options(ns), ns); }};
}

// Finds auto-pipelined (the default) and finds over pooled connections.
INSTANTIATE_TEST_SUITE_P(Redis, StoreContractTest,
                         ::testing::Values(redis_store("Redis", 2), redis_store("RedisPooled", 0)),
                         PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
