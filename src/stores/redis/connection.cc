#include "stores/redis/connection.h"

#include <sys/time.h>

#include <cerrno>
#include <charconv>

#include "stores/redis/errors.h"

namespace sessionpp::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

std::string_view command_name(const Command& c) {
  if (c.args.empty()) return "command";
  return c.args[0];
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& ep) {
  errno = 0;
  ContextPtr ctx(redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(ep.connect_timeout)));
  const int saved = errno;
  if (!ctx) return make_error(Errc::kInternal, "out of memory connecting to " + ep.address());
  if (ctx->err != 0) return io_error(*ctx, saved, ep, ep.connect_timeout, "connecting");
  // The handshake answers within the connect timeout; requests after it within the command one.
  if (redisSetTimeout(ctx.get(), to_timeval(ep.connect_timeout)) != REDIS_OK ||
      redisEnableKeepAlive(ctx.get()) != REDIS_OK) {
    return io_error(*ctx, errno, ep, ep.connect_timeout, "connecting");
  }
  std::unique_ptr<Connection> conn(new Connection(std::move(ctx), ep));

  std::vector<Command> handshake;
  if (!ep.username.empty()) {
    handshake.push_back({{"AUTH", ep.username, ep.password}, {}});
  } else if (!ep.password.empty()) {
    handshake.push_back({{"AUTH", ep.password}, {}});
  }
  if (!ep.sentinel) handshake.push_back({{"SELECT", std::to_string(ep.database)}, {}});
  auto replies = conn->pipeline(handshake);
  if (!replies) {
    // pipeline() named the command by its first word; say it was the handshake instead.
    Error e = std::move(replies).error();
    if (e.code == Errc::kTimeout) {
      e.message = "Redis at " + ep.address() + " did not answer AUTH/SELECT within " +
                  std::to_string(ep.connect_timeout.count()) + " ms";
    }
    return e;
  }
  for (std::size_t i = 0; i < replies->size(); ++i) {
    if (auto ok = conn->check(*(*replies)[i], handshake[i].args[0]); !ok) {
      return std::move(ok).error();
    }
  }
  if (redisSetTimeout(conn->ctx_.get(), to_timeval(ep.command_timeout)) != REDIS_OK) {
    return io_error(*conn->ctx_, errno, ep, ep.command_timeout, "connecting");
  }
  return conn;
}

Result<void> Connection::append(const Command& c) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(c.args.size());
  lens.reserve(c.args.size());
  for (const auto& a : c.args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    broken_ = true;
    return io_error(*ctx_, errno, *ep_, ep_->command_timeout, command_name(c));
  }
  return {};
}

Result<ReplyPtr> Connection::read(std::string_view during) {
  void* raw = nullptr;
  errno = 0;
  if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr) {
    const int saved = errno;
    broken_ = true;
    return io_error(*ctx_, saved, *ep_, ep_->command_timeout, during);
  }
  return ReplyPtr(static_cast<redisReply*>(raw));
}

Result<std::vector<ReplyPtr>> Connection::pipeline(const std::vector<Command>& commands) {
  std::vector<const Command*> ptrs;
  ptrs.reserve(commands.size());
  for (const auto& c : commands) ptrs.push_back(&c);
  return pipeline(std::span<const Command* const>(ptrs));
}

Result<std::vector<ReplyPtr>> Connection::pipeline(std::span<const Command* const> commands) {
  if (broken_)
    return make_error(Errc::kUnavailable, "connection to " + ep_->address() + " is broken");
  for (const Command* c : commands) {
    if (auto r = append(*c); !r) return std::move(r).error();
  }
  std::vector<ReplyPtr> replies;
  replies.reserve(commands.size());
  for (const Command* c : commands) {
    auto r = read(command_name(*c));
    if (!r) return std::move(r).error();
    replies.push_back(std::move(*r));
  }
  // Scripts vanish from the server's cache on restart, failover or SCRIPT FLUSH: load the source
  // and run that command again. Its SHA1 does not change.
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const redisReply* rep = replies[i].get();
    if (commands[i]->script.empty() || rep->type != REDIS_REPLY_ERROR ||
        !is_noscript(reply_str(rep))) {
      continue;
    }
    Command once = *commands[i];
    once.script = {};  // a second NOSCRIPT is an error, not a loop
    std::vector<Command> retry = {{{"SCRIPT", "LOAD", std::string(commands[i]->script)}, {}},
                                  std::move(once)};
    auto again = pipeline(retry);
    if (!again) return std::move(again).error();
    if (auto ok = check(*(*again)[0], "SCRIPT LOAD"); !ok) return std::move(ok).error();
    replies[i] = std::move((*again)[1]);
  }
  return replies;
}

Result<ReplyPtr> Connection::command(const Command& c) {
  auto r = pipeline({c});
  if (!r) return std::move(r).error();
  return std::move((*r)[0]);
}

Result<void> Connection::check(const redisReply& reply, std::string_view during) const {
  if (reply.type != REDIS_REPLY_ERROR) return {};
  return reply_error(std::string_view(reply.str, reply.len), *ep_, during);
}

std::string_view reply_str(const redisReply* r) noexcept {
  if (r == nullptr) return {};
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
      r->type == REDIS_REPLY_ERROR) {
    return std::string_view(r->str, r->len);
  }
  return {};
}

std::optional<std::int64_t> reply_int(const redisReply* r) noexcept {
  if (r == nullptr) return std::nullopt;
  if (r->type == REDIS_REPLY_INTEGER) return static_cast<std::int64_t>(r->integer);
  if (r->type == REDIS_REPLY_STRING) {
    std::int64_t v = 0;
    const char* end = r->str + r->len;
    auto [p, ec] = std::from_chars(r->str, end, v);
    if (ec == std::errc() && p == end) return v;
  }
  return std::nullopt;
}

const redisReply* reply_at(const redisReply* r, std::size_t i) noexcept {
  if (r == nullptr || r->type != REDIS_REPLY_ARRAY || i >= r->elements) return nullptr;
  return r->element[i];
}

std::size_t reply_size(const redisReply* r) noexcept {
  return (r != nullptr && r->type == REDIS_REPLY_ARRAY) ? r->elements : 0;
}

}  // namespace sessionpp::redis
