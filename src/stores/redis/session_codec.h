#pragma once

// How a session is laid out in its hash. Metadata fields start with '#', attribute fields with
// '=' followed by the attribute name, so no attribute name can collide with metadata.
//   #v  layout version ("1")      #c  created (epoch ms)      #a  last accessed (epoch ms)
//   #m  max inactive (ms, < 0 never)   #d  absolute deadline (epoch ms; absent: none)
//   #p  principal (absent: none)       =<name>  attribute value (bytes)

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sessionpp/result.h"
#include "sessionpp/session.h"

struct redisReply;

namespace sessionpp::redis::codec {

inline constexpr std::string_view kVersion = "#v";
inline constexpr std::string_view kCreated = "#c";
inline constexpr std::string_view kLastAccessed = "#a";
inline constexpr std::string_view kMaxInactive = "#m";
inline constexpr std::string_view kDeadline = "#d";
inline constexpr std::string_view kPrincipal = "#p";
inline constexpr char kAttributePrefix = '=';

std::string attribute_field(std::string_view name);

// Appends the field, value pairs of a whole session to `out`.
void encode(const SessionData& data, std::vector<std::string>& out);

// The session in a flat field, value array (HGETALL); kCorrupt naming what is wrong.
Result<SessionData> decode(const redisReply& fields);

// "1700000000000" for a time; the text of an expiry for scripts and indexes ("" or "inf" when
// there is none, as the caller chooses).
std::string ms_text(Timestamp t);

}  // namespace sessionpp::redis::codec
