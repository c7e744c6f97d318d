#pragma once

// One hiredis connection: connect, AUTH, SELECT, commands and pipelines, NOSCRIPT recovery.

#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/c_deleter.h"
#include "sessionpp/result.h"
#include "stores/redis/endpoint.h"

namespace sessionpp::redis {

using detail::CDeleter;
using ContextPtr = std::unique_ptr<redisContext, CDeleter<&redisFree>>;
using ReplyPtr = std::unique_ptr<redisReply, CDeleter<&freeReplyObject>>;

// One command. For EVALSHA, `script` holds the Lua source so a NOSCRIPT reply can be answered by
// loading it and sending the command again.
struct Command {
  std::vector<std::string> args;
  std::string_view script;
};

// A connected, authenticated connection with the database selected. Move-only; not safe for
// concurrent use (the pool lends it to one caller at a time).
class Connection {
 public:
  // Connects within ep.connect_timeout, sends AUTH (when a user or password is set) and SELECT,
  // then applies ep.command_timeout to every later read and write.
  static Result<std::unique_ptr<Connection>> open(const Endpoint& ep);

  // Sends all commands in one round trip and returns their replies in order. Error replies are
  // returned as replies (check them with `check`); the call fails only when the connection does,
  // and then the connection is broken() for good.
  Result<std::vector<ReplyPtr>> pipeline(const std::vector<Command>& commands);
  // The same over commands owned elsewhere (the read batcher's callers).
  Result<std::vector<ReplyPtr>> pipeline(std::span<const Command* const> commands);
  Result<ReplyPtr> command(const Command& c);

  // Ok, or the Error for an error reply to `during`.
  Result<void> check(const redisReply& reply, std::string_view during) const;

  bool broken() const noexcept { return broken_; }
  // The hiredis context, for benchmarks that compare against plain hiredis.
  redisContext* context() const noexcept { return ctx_.get(); }
  const Endpoint& endpoint() const noexcept { return *ep_; }

 private:
  Connection(ContextPtr ctx, const Endpoint& ep) : ctx_(std::move(ctx)), ep_(&ep) {}
  Result<void> append(const Command& c);
  Result<ReplyPtr> read(std::string_view during);

  ContextPtr ctx_;
  const Endpoint* ep_;  // owned by the pool, which outlives its connections
  bool broken_ = false;
};

// Reply accessors. They never crash on an unexpected shape: strings of non-strings are empty,
// integers of non-integers are nullopt.
std::string_view reply_str(const redisReply* r) noexcept;
std::optional<std::int64_t> reply_int(const redisReply* r) noexcept;
// Element i of an array reply, or nullptr.
const redisReply* reply_at(const redisReply* r, std::size_t i) noexcept;
std::size_t reply_size(const redisReply* r) noexcept;

}  // namespace sessionpp::redis
