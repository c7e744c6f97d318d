#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

// Each test's namespace prefixes its collection ("ct0123456789_sessions"); cleanup drops it.
INSTANTIATE_TEST_SUITE_P(
    MongoDB, StoreContractTest,
    ::testing::Values(StoreUnderTest{
        .name = "MongoDB",
        .open =
            [](const SessionPolicy& policy, const std::string& ns) {
              MongoOptions o = mongo_test_options(ns + "sessions");
              o.policy = policy;
              return open_mongo_store(o);
            },
        .cleanup = [](const std::string& ns) { drop_mongo_collection(ns + "sessions"); }}),
    PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
