#pragma once

#include <string>
#include <string_view>

#include "sessionpp/mongo_store.h"
#include "sessionpp/result.h"
#include "stores/mongo/c_handle.h"

namespace sessionpp::mongo {

// What the store connects to, resolved from MongoOptions: the libmongoc URI plus the names that
// error messages quote. `password` is kept only to scrub it from messages.
struct Target {
  UriPtr uri;
  std::string where;  // "host:port" (comma-separated when the URI lists several)
  std::string database;
  std::string collection;
  std::string username;  // empty: no authentication
  std::string auth_source;
  std::string password;
};

// Validates `options` and builds the connection URI. kInvalidArgument naming the field at fault
// (never quoting the password).
Result<Target> resolve_target(const MongoOptions& options);

// Calls mongoc_init() once per process (never mongoc_cleanup: other code may still use it).
void ensure_mongoc_initialized();

// `message` with every occurrence of `secret` (and its percent-encoded form) replaced by "***".
std::string redact(std::string message, std::string_view secret);

}  // namespace sessionpp::mongo
