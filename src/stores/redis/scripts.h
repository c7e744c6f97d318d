#pragma once

// The Lua scripts behind every write. Each touches the keys of one session only (one hash, so one
// Redis Cluster slot) or one index key; index updates are separate, idempotent steps.
// docs/stores/redis.md describes each script's arguments and replies.

#include <string_view>

namespace sessionpp::redis::scripts {

// KEYS[1] session hash. ARGV[1] expiry (epoch ms; "" = never), ARGV[2..] field, value pairs.
// Replaces the hash with the given fields and sets PEXPIREAT (or none) in the same step.
// Returns 1. Used for inserts and for the second half of an id change.
extern const std::string_view kWrite;

// KEYS[1] session hash. ARGV: now, last_accessed, has_metadata ("1"/"0"), max_inactive,
// deadline ("" = none), principal, n, n set pairs (field, value), then fields to delete.
// Returns {0} when the session is absent or expired at `now` (writing nothing); otherwise
// {1, expiry ("" = never), principal, previous principal}.
extern const std::string_view kUpdate;

// KEYS[1] session hash. ARGV: now, required principal ("" = any).
// Deletes the hash unless its principal differs from the required one.
// Returns {deleted (0/1), principal, live at now (0/1)}.
extern const std::string_view kRemove;

// KEYS[1] session hash. ARGV: now. Deletes a live session and returns it:
// {1, expiry ("" = never), {field, value, ...}}; {0} when absent or expired (nothing deleted).
extern const std::string_view kTake;

// KEYS[1] session hash. ARGV: now. Deletes it when expired at `now` or undecodable.
// Returns {0} when absent, {1, principal} when deleted, {2, expiry ("inf" = never)} when live.
extern const std::string_view kPurge;

// KEYS[1] a sorted-set index. ARGV: member, score (epoch ms or "inf"), force ("1"/"0"), grace
// (ms). Sets the member's score (without force: only raises it, so a late concurrent update never
// lowers it) and gives the index the expiry of its latest member plus grace (none when that is
// "inf"). Returns the member's score before (nil when it was not there), so a caller can undo.
extern const std::string_view kIndexPut;

}  // namespace sessionpp::redis::scripts
