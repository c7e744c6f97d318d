// The contract suite against the Redis Cluster (scripts/services start redis-cluster) and the
// Sentinel setup (scripts/services start redis-sentinel).

#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"

namespace sessionpp::testing {
namespace {

StoreUnderTest cluster_store(std::string name, std::size_t pipelined_reads) {
  return StoreUnderTest{.name = std::move(name),
                        .open =
                            [pipelined_reads](const SessionPolicy& policy, const std::string& ns) {
                              RedisOptions o = redis_cluster_test_options(ns);
                              o.policy = policy;
                              o.pool.pipelined_reads = pipelined_reads;
                              return open_redis_store(o);
                            },
                        .cleanup =
                            [](const std::string& ns) {
                              redis_cluster_delete_prefix(redis_cluster_test_options(ns), ns);
                            }};
}

StoreUnderTest sentinel_store(std::string name) {
  return StoreUnderTest{.name = std::move(name),
                        .open =
                            [](const SessionPolicy& policy, const std::string& ns) {
                              RedisOptions o = redis_sentinel_test_options(ns);
                              o.policy = policy;
                              return open_redis_store(o);
                            },
                        .cleanup =
                            [](const std::string& ns) {
                              redis_sentinel_delete_prefix(redis_sentinel_test_options(ns), ns);
                            }};
}

INSTANTIATE_TEST_SUITE_P(RedisCluster, StoreContractTest,
                         ::testing::Values(cluster_store("RedisCluster", 2),
                                           cluster_store("RedisClusterPooled", 0),
                                           sentinel_store("RedisSentinel")),
                         PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
