#include "contract/contract_suite.h"
#include "integration/redis/redis_test_support.h"
#include "sessionpp/redis_store.h"

namespace sessionpp::testing {
namespace {

// Each test's namespace becomes the key prefix; cleanup deletes the keys under it.
INSTANTIATE_TEST_SUITE_P(
    Redis, StoreContractTest,
    ::testing::Values(StoreUnderTest{
        .name = "Redis",
        .open =
            [](const SessionPolicy& policy, const std::string& ns) {
              RedisOptions o = redis_test_options(ns);
              o.policy = policy;
              return open_redis_store(o);
            },
        .cleanup = [](const std::string& ns) { redis_delete_prefix(redis_test_options(ns), ns); }}),
    PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
