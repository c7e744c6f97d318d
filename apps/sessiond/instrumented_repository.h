#pragma once

// A SessionRepository that forwards every primitive to the real store and counts it in Metrics.
// With a fault file set (test hook SESSIOND_TEST_STORE_FAULT_FILE), every primitive fails with
// kUnavailable while that file exists: the real store stays, only the answers are withheld, so
// tests can watch sessiond answer 503 without a mock store.

#include <memory>
#include <string>

#include "metrics.h"
#include "sessionpp/repository.h"

namespace sessiond {

std::unique_ptr<sessionpp::SessionRepository> instrument(
    std::unique_ptr<sessionpp::SessionRepository> inner, Metrics& metrics,
    std::string fault_file = {});

}  // namespace sessiond
