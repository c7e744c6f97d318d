#pragma once

// The contract every SessionRepository passes. A store instantiates it with
//   INSTANTIATE_TEST_SUITE_P(Redis, StoreContractTest, ::testing::Values(StoreUnderTest{...}),
//                            PrintStoreName);
// and links the `sessionpp_contract_suite` object library.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "sessionpp/clock.h"
#include "sessionpp/repository.h"
#include "support/store_env.h"

namespace sessionpp::testing {

struct StoreUnderTest {
  std::string name;  // shown in test names: letters and digits only
  // Opens a store that keeps its data apart under `ns` (a key prefix, table prefix or collection
  // name made of [a-z0-9_], at most 16 characters). Each test gets a fresh `ns`.
  std::function<Result<std::unique_ptr<SessionRepository>>(const SessionPolicy& policy,
                                                           const std::string& ns)>
      open;
  // Optional: drops what a test left under `ns`.
  std::function<void(const std::string& ns)> cleanup;
};

inline void PrintTo(const StoreUnderTest& store, std::ostream* os) { *os << store.name; }

inline std::string PrintStoreName(const ::testing::TestParamInfo<StoreUnderTest>& info) {
  return info.param.name;
}

class StoreContractTest : public ::testing::TestWithParam<StoreUnderTest> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens another repository over the same namespace with `policy` (the fixture's clock is used
  // when policy.clock is null). Fails the test on error.
  std::unique_ptr<SessionRepository> open_with(SessionPolicy policy);

  // A new session with `principal`, saved. Fails the test on error.
  Session save_new(SessionRepository& repo, const std::string& principal = "");

  std::shared_ptr<ManualClock> clock_;
  std::string ns_;
  std::unique_ptr<SessionRepository> repo_;
};

}  // namespace sessionpp::testing
