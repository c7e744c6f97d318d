#include "stores/redis/scripts.h"

namespace sessionpp::redis::scripts {
namespace {

// Shared Lua helpers: the expiry rule of sessionpp::expiry_of, on stored strings. Lua numbers are
// doubles, exact for epoch milliseconds; '%.0f' prints them back without an exponent.
#define SESSIONPP_LUA_PRELUDE                                  \
  "local function expiry(la, mi, dl)\n"                        \
  "  local e = nil\n"                                          \
  "  if mi >= 0 then e = la + mi end\n"                        \
  "  if dl and ((not e) or dl < e) then e = dl end\n"          \
  "  return e\n"                                               \
  "end\n"                                                      \
  "local function ms(x) return string.format('%.0f', x) end\n" \
  "local function stored_expiry(f)\n"                          \
  "  local la, mi = tonumber(f[1]), tonumber(f[2])\n"          \
  "  if not la or not mi then return false, nil end\n"         \
  "  local dl = nil\n"                                         \
  "  if f[3] then dl = tonumber(f[3]) end\n"                   \
  "  return true, expiry(la, mi, dl)\n"                        \
  "end\n"

}  // namespace

const std::string_view kWrite =
    "redis.call('DEL', KEYS[1])\n"
    "for i = 2, #ARGV, 200 do\n"
    "  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))\n"
    "end\n"
    "if ARGV[1] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end\n"
    "return 1\n";

const std::string_view kUpdate = SESSIONPP_LUA_PRELUDE
    "local k = KEYS[1]\n"
    "local f = redis.call('HMGET', k, '#a', '#m', '#d', '#p')\n"
    "local ok, e = stored_expiry(f)\n"
    "local now = tonumber(ARGV[1])\n"
    "if not ok or (e and now >= e) then return {0} end\n"
    "local la, mi = tonumber(f[1]), tonumber(f[2])\n"
    "local dl = nil\n"
    "if f[3] then dl = tonumber(f[3]) end\n"
    "local old_p = f[4] or ''\n"
    "local p = old_p\n"
    "local given = tonumber(ARGV[2])\n"
    "if given > la then la = given; redis.call('HSET', k, '#a', ARGV[2]) end\n"
    "if ARGV[3] == '1' then\n"
    "  mi = tonumber(ARGV[4])\n"
    "  redis.call('HSET', k, '#m', ARGV[4])\n"
    "  if ARGV[5] == '' then dl = nil; redis.call('HDEL', k, '#d')\n"
    "  else dl = tonumber(ARGV[5]); redis.call('HSET', k, '#d', ARGV[5]) end\n"
    "  p = ARGV[6]\n"
    "  if p == '' then redis.call('HDEL', k, '#p') else redis.call('HSET', k, '#p', p) end\n"
    "end\n"
    "local stop = 8 + 2 * tonumber(ARGV[7])\n"
    "local i = 8\n"
    "while i < stop do\n"
    "  local j = math.min(i + 199, stop - 1)\n"
    "  redis.call('HSET', k, unpack(ARGV, i, j))\n"
    "  i = j + 1\n"
    "end\n"
    "for d = stop, #ARGV, 200 do\n"
    "  redis.call('HDEL', k, unpack(ARGV, d, math.min(d + 199, #ARGV)))\n"
    "end\n"
    "e = expiry(la, mi, dl)\n"
    "if e then redis.call('PEXPIREAT', k, ms(e)) else redis.call('PERSIST', k) end\n"
    "return {1, e and ms(e) or '', p, old_p}\n";

const std::string_view kRemove = SESSIONPP_LUA_PRELUDE
    "local k = KEYS[1]\n"
    "local f = redis.call('HMGET', k, '#a', '#m', '#d', '#p')\n"
    "local p = f[4] or ''\n"
    "if ARGV[2] ~= '' and p ~= ARGV[2] then return {0, p, 0} end\n"
    "local n = redis.call('DEL', k)\n"
    "local live = 0\n"
    "local ok, e = stored_expiry(f)\n"
    "if n == 1 and ok and ((not e) or tonumber(ARGV[1]) < e) then live = 1 end\n"
    "return {n, p, live}\n";

const std::string_view kTake = SESSIONPP_LUA_PRELUDE
    "local k = KEYS[1]\n"
    "local f = redis.call('HMGET', k, '#a', '#m', '#d')\n"
    "local ok, e = stored_expiry(f)\n"
    "if not ok or (e and tonumber(ARGV[1]) >= e) then return {0} end\n"
    "local all = redis.call('HGETALL', k)\n"
    "redis.call('DEL', k)\n"
    "return {1, e and ms(e) or '', all}\n";

const std::string_view kPurge = SESSIONPP_LUA_PRELUDE
    "local k = KEYS[1]\n"
    "if redis.call('EXISTS', k) == 0 then return {0} end\n"
    "local f = redis.call('HMGET', k, '#a', '#m', '#d', '#p')\n"
    "local ok, e = stored_expiry(f)\n"
    "if ok and not e then return {2, 'inf'} end\n"
    "if ok and tonumber(ARGV[1]) < e then return {2, ms(e)} end\n"
    "redis.call('DEL', k)\n"
    "return {1, f[4] or ''}\n";

const std::string_view kIndexPut =
    "local function ms(x) return string.format('%.0f', x) end\n"
    "local function num(s) if s == 'inf' or s == '+inf' then return math.huge end "
    "return tonumber(s) end\n"
    "local k = KEYS[1]\n"
    "local cur = redis.call('ZSCORE', k, ARGV[1])\n"
    "if ARGV[3] == '1' or not cur or num(cur) < num(ARGV[2]) then\n"
    "  redis.call('ZADD', k, ARGV[2], ARGV[1])\n"
    "end\n"
    "local top = redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')\n"
    "if top[2] == nil or num(top[2]) == math.huge then redis.call('PERSIST', k)\n"
    "else redis.call('PEXPIREAT', k, ms(num(top[2]) + tonumber(ARGV[4]))) end\n"
    "return cur\n";

#undef SESSIONPP_LUA_PRELUDE

}  // namespace sessionpp::redis::scripts
