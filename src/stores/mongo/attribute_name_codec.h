#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sessionpp::mongo {

// Attribute names become field names of the `attrs` subdocument, and updates address them with
// dotted paths ("attrs.<name>"). MongoDB field names cannot hold '.' (a path separator), must not
// start with '$' (an operator) and, being C strings in BSON, cannot hold NUL. The codec escapes
// those bytes, and the escape byte itself, as "%XX" (uppercase hex):
//   '%' -> "%25", '.' -> "%2E", '$' -> "%24", NUL -> "%00"
// Every other byte is kept, so ordinary names are stored as they are. '$' is escaped anywhere,
// not only in front, which keeps the rule simple and still decodes exactly.
std::string encode_attribute_name(std::string_view name);

// The inverse of encode_attribute_name; nullopt for a field name it cannot have produced
// (a '%' not followed by one of the four escapes, or a raw '.', '$' or NUL).
std::optional<std::string> decode_attribute_name(std::string_view field);

}  // namespace sessionpp::mongo
