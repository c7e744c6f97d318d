#include "contract/contract_suite.h"
#include "sessionpp/memory_store.h"

namespace sessionpp::testing {
namespace {

// The memory store has no namespace to share: every open is a fresh, empty store. The tests
// that open a second repository over "the same" namespace only use it on its own.
INSTANTIATE_TEST_SUITE_P(Memory, StoreContractTest,
                         ::testing::Values(StoreUnderTest{
                             .name = "Memory",
                             .open =
                                 [](const SessionPolicy& policy, const std::string&) {
                                   return open_memory_store(
                                       {.policy = policy, .sweep_interval = {}});
                                 },
                             .cleanup = {}}),
                         PrintStoreName);

}  // namespace
}  // namespace sessionpp::testing
