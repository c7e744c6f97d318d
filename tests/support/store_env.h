#pragma once

// What every test that needs a store server shares: whether this is CI, a fresh namespace per
// test, and the rule that a missing server skips locally but fails in CI.

#include <gtest/gtest.h>

#include <string>

#include "sessionpp/result.h"

namespace sessionpp::testing {

// A fresh namespace: "ct" + 10 random hex digits + "_".
std::string fresh_namespace();

// True when tests run in CI (CI set and not "false" or "0"): a missing server is then a failure,
// never a skip.
bool in_ci();

}  // namespace sessionpp::testing

// Opens the store under test or, when its server is unreachable, skips (locally) or fails (CI).
// For use in a test's SetUp or body.
#define SESSIONPP_REQUIRE_STORE(result_expr, out_ptr)                              \
  do {                                                                             \
    auto sessionpp_r_ = (result_expr);                                             \
    if (!sessionpp_r_) {                                                           \
      if (::sessionpp::is_transient(sessionpp_r_.error().code) &&                  \
          !::sessionpp::testing::in_ci()) {                                        \
        GTEST_SKIP() << "store server unreachable (set CI=true to fail instead): " \
                     << sessionpp_r_.error().to_string();                          \
      }                                                                            \
      FAIL() << "could not open the store: " << sessionpp_r_.error().to_string();  \
    }                                                                              \
    (out_ptr) = std::move(*sessionpp_r_);                                          \
  } while (0)
