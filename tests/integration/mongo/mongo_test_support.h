#pragma once

#include <string>

#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {

// The server the MongoDB tests use: SESSIONPP_TEST_MONGO_URI, by default
// mongodb://sessionpp:sessionpp-test@127.0.0.1:27117/sessionpp (scripts/services start ferretdb).
std::string mongo_test_uri();

// Options for the test server with short timeouts, sessions in collection `collection`.
MongoOptions mongo_test_options(const std::string& collection);

// Drops `collection` and its "<collection>_locks" side collection from the test database (best
// effort).
void drop_mongo_collection(const std::string& collection);

}  // namespace sessionpp::testing
