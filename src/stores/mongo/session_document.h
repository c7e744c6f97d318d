#pragma once

#include <bson/bson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sessionpp/repository.h"
#include "sessionpp/result.h"
#include "sessionpp/session.h"

namespace sessionpp::mongo {

// The document of one session:
//   { _id: <handle>, created: Date, lastAccessed: Date, maxInactive: Int64 (ms),
//     deadline: Date (absent: none), expireAt: Date (absent: never expires),
//     principal: String (absent: none), v: Int64 (bumped by every update),
//     attrs: { <encoded name>: BinData(0, <value>), ... } }
// expireAt is derived (expiry_of(lastAccessed, maxInactive, deadline)) and stored so that the
// server can index it, filter on it and reap by TTL.
namespace field {
inline constexpr const char* kId = "_id";
inline constexpr const char* kCreated = "created";
inline constexpr const char* kLastAccessed = "lastAccessed";
inline constexpr const char* kMaxInactive = "maxInactive";
inline constexpr const char* kDeadline = "deadline";
inline constexpr const char* kExpireAt = "expireAt";
inline constexpr const char* kPrincipal = "principal";
inline constexpr const char* kVersion = "v";
inline constexpr const char* kAttrs = "attrs";
}  // namespace field

// Appends the whole document of a new session to `doc`.
void append_session(bson_t* doc, std::string_view handle, const SessionData& data);

// Appends the filter clause "live at `now`" (expireAt absent, null or later than now) to a filter
// document.
void append_live_clause(bson_t* filter, Timestamp now);

// The metadata the expiry follows from, as stored.
struct StoredTimes {
  Timestamp last_accessed{};
  Duration max_inactive{};
  std::optional<Timestamp> deadline;
  std::int64_t version = 0;
};

// Reads the metadata fields of a document; kCorrupt naming the field when one is missing or of
// the wrong type.
Result<StoredTimes> decode_times(const bson_t* doc);

// Decodes a whole session document; kCorrupt naming the field at fault.
Result<SessionData> decode_session(const bson_t* doc);

// Decodes the summary of a session document (no attributes needed).
Result<SessionSummary> decode_summary(const bson_t* doc);

}  // namespace sessionpp::mongo
