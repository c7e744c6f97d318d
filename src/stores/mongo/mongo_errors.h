#pragma once

#include <mongoc/mongoc.h>

#include <string_view>

#include "sessionpp/result.h"
#include "stores/mongo/mongo_target.h"

namespace sessionpp::mongo {

// Translates a libmongoc error in one place: unreachable servers and failed server selection ->
// kUnavailable naming host:port; socket timeouts and maxTimeMS -> kTimeout; authentication ->
// kUnavailable "authentication failed for user X on database Y"; duplicate keys -> kConflict;
// anything else -> kInternal. `operation` says what was being done ("find", "save", ...).
// The message never contains the password.
Error translate_error(const bson_error_t& error, const Target& target, std::string_view operation);

// True when `error` is MongoDB's "index options not supported" family: the server refuses the
// TTL index (FerretDB v1, some compatible servers).
bool is_unsupported_index_error(const bson_error_t& error);

}  // namespace sessionpp::mongo
