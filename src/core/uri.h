#pragma once

// Pieces of URI handling shared by the stores' from_uri parsers and sessiond.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sessionpp::detail {

// `text` with %XX escapes decoded (and '+' as a space when `plus_is_space`); nullopt when an
// escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// `text` with everything but unreserved characters (A-Z a-z 0-9 - . _ ~) as %XX.
std::string percent_encode(std::string_view text);

// Calls `f(key, value)` for each `key=value` pair of a query string (without the '?'), raw (not
// decoded); an empty pair is skipped, a pair without '=' has an empty value. Stops and returns
// false when `f` does.
bool for_each_query_pair(std::string_view query,
                         const std::function<bool(std::string_view, std::string_view)>& f);

}  // namespace sessionpp::detail
