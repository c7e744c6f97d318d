#pragma once

// The one place where hiredis failures and Redis error replies become sessionpp Errors.

#include <chrono>
#include <string_view>

#include "sessionpp/result.h"
#include "stores/redis/endpoint.h"

struct redisContext;

namespace sessionpp::redis {

// A failure of the connection itself (ctx->err set): refused, reset, closed or timed out.
// `saved_errno` is errno right after the failing hiredis call; `timeout` the one that applied.
// `during` names the step ("connecting", "HGETALL", ...).
Error io_error(const redisContext& ctx, int saved_errno, const Endpoint& ep,
               std::chrono::milliseconds timeout, std::string_view during);

// An error reply from the server ("WRONGPASS ...", "NOPERM ...", "LOADING ...").
Error reply_error(std::string_view message, const Endpoint& ep, std::string_view during);

// True for "NOSCRIPT ..." replies: the script cache was flushed (restart, failover).
bool is_noscript(std::string_view message) noexcept;

}  // namespace sessionpp::redis
