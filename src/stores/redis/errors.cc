#include "stores/redis/errors.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <string>

namespace sessionpp::redis {
namespace {

bool starts_with(std::string_view s, std::string_view p) noexcept {
  return s.substr(0, p.size()) == p;
}

// Server messages never contain the password, but keep them short and on one line.
std::string clean(std::string_view message) {
  std::string out(message.substr(0, 200));
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

std::string Endpoint::address() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Endpoint::user_label() const {
  return username.empty() ? std::string("the default user") : "user '" + username + "'";
}

Error io_error(const redisContext& ctx, int saved_errno, const Endpoint& ep,
               std::chrono::milliseconds timeout, std::string_view during) {
  const std::string where = "Redis at " + ep.address();
  const std::string step(during);
  bool timed_out = ctx.err == REDIS_ERR_IO &&
                   (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                    saved_errno == ETIMEDOUT || saved_errno == EINPROGRESS ||
                    std::string_view(ctx.errstr).find("timed out") != std::string_view::npos);
#ifdef REDIS_ERR_TIMEOUT
  timed_out = timed_out || ctx.err == REDIS_ERR_TIMEOUT;
#endif
  {
    if (timed_out) {
      return make_error(Errc::kTimeout, where + " did not answer " + step + " within " +
                                            std::to_string(timeout.count()) + " ms");
    }
  }
  if (ctx.err == REDIS_ERR_EOF) {
    return make_error(Errc::kUnavailable, where + " closed the connection during " + step);
  }
  if (ctx.err == REDIS_ERR_PROTOCOL) {
    return make_error(Errc::kUnavailable,
                      where + " does not speak the Redis protocol (during " + step +
                          "; is that address a Redis server?): " + clean(ctx.errstr));
  }
  if (ctx.err == REDIS_ERR_OOM) {
    return make_error(Errc::kInternal, "out of memory during " + step + " with " + where);
  }
  return make_error(Errc::kUnavailable,
                    "cannot reach " + where + " (" + step + "): " + clean(ctx.errstr));
}

Error reply_error(std::string_view message, const Endpoint& ep, std::string_view during) {
  const std::string where = "Redis at " + ep.address();
  const std::string step(during);
  const std::string text = clean(message);
  if (starts_with(message, "WRONGPASS") || starts_with(message, "ERR invalid password") ||
      starts_with(message, "ERR invalid username-password") || starts_with(message, "ERR AUTH") ||
      starts_with(message, "ERR Client sent AUTH")) {
    return make_error(Errc::kInvalidArgument, "authentication failed for " + ep.user_label() +
                                                  " at " + ep.address() + ": " + text);
  }
  if (starts_with(message, "NOAUTH")) {
    return make_error(Errc::kInvalidArgument,
                      where +
                          " requires authentication: set the password (and username for an "
                          "ACL user)");
  }
  if (starts_with(message, "ERR DB index is out of range") ||
      starts_with(message, "ERR invalid DB index") || starts_with(message, "ERR SELECT")) {
    return make_error(Errc::kInvalidArgument, "database " + std::to_string(ep.database) +
                                                  " is out of range on " + ep.address() + ": " +
                                                  text);
  }
  if (starts_with(message, "NOPERM")) {
    return make_error(Errc::kReadOnly, where + " denied " + step + " to " + ep.user_label() +
                                           " (check its ACL commands and key patterns against "
                                           "key_prefix): " +
                                           text);
  }
  if (starts_with(message, "READONLY")) {
    return make_error(Errc::kReadOnly, where + " is a read-only replica: " + text);
  }
  if (starts_with(message, "LOADING") || starts_with(message, "MASTERDOWN") ||
      starts_with(message, "TRYAGAIN") || starts_with(message, "CLUSTERDOWN") ||
      starts_with(message, "OOM") || starts_with(message, "MISCONF")) {
    return make_error(Errc::kUnavailable, where + " cannot serve " + step + " now: " + text);
  }
  if (starts_with(message, "BUSY")) {
    return make_error(Errc::kTimeout, where + " is busy running a script: " + text);
  }
  if (starts_with(message, "MOVED") || starts_with(message, "ASK ")) {
    return make_error(
        Errc::kInvalidArgument,
        where +
            " is a Redis Cluster node that redirected the command (use cluster mode, or the "
            "cluster is resharding): " +
            text);
  }
  if (starts_with(message, "WRONGTYPE")) {
    return make_error(Errc::kCorrupt, step + " hit a key of another type on " + where +
                                          " (is key_prefix shared with other data?): " + text);
  }
  return make_error(Errc::kInternal, step + " failed on " + where + ": " + text);
}

bool is_noscript(std::string_view message) noexcept { return starts_with(message, "NOSCRIPT"); }

}  // namespace sessionpp::redis
