#include "stores/redis/expiry_listener.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

#include "sessionpp/session_id.h"
#include "stores/redis/connection.h"

namespace sessionpp::redis {

ExpiryListener::ExpiryListener(const Endpoint& ep, std::string key_prefix, OnExpired on_expired,
                               Log log)
    : ep_(ep),
      session_key_start_(std::move(key_prefix) + "{"),
      on_expired_(std::move(on_expired)),
      log_(std::move(log)) {
  thread_ = std::thread([this] { loop(); });
}

ExpiryListener::~ExpiryListener() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the poll below
  }
  wake_.notify_all();
  thread_.join();
}

bool ExpiryListener::stopping() {
  std::lock_guard lock(mu_);
  return stop_;
}

void ExpiryListener::loop() {
  while (!stopping()) {
    listen();
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
  }
}

void ExpiryListener::listen() {
  auto opened = Connection::open(ep_);
  if (!opened) return;  // the store's own calls report the outage
  std::unique_ptr<Connection> conn = std::move(*opened);
  redisContext* ctx = conn->context();
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    fd_ = ctx->fd;
  }
  const std::string channel = "__keyevent@" + std::to_string(ep_.database) + "__:expired";
  auto sub = conn->command({{"SUBSCRIBE", channel}, {}});
  bool ok = sub.ok() && conn->check(**sub, "SUBSCRIBE").ok();
  if (sub && !ok) {
    log_("cannot subscribe to " + channel + ": " + conn->check(**sub, "SUBSCRIBE").error().message);
  }

  auto dispatch = [&](redisReply* raw) {
    ReplyPtr reply(raw);
    if (reply_str(reply_at(reply.get(), 0)) != "message") return;
    const std::string_view key = reply_str(reply_at(reply.get(), 2));
    if (key.size() != session_key_start_.size() + 65 ||
        key.substr(0, session_key_start_.size()) != session_key_start_ || key.back() != '}') {
      return;
    }
    const std::string_view handle = key.substr(session_key_start_.size(), 64);
    if (is_handle(handle)) on_expired_(handle);
  };
  while (ok && !stopping()) {
    pollfd p{.fd = ctx->fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&p, 1, 1000);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0 || stopping()) continue;
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) break;  // closed or failed
    dispatch(static_cast<redisReply*>(raw));
    // Messages that arrived together sit parsed-ready in the reader: poll would not see them.
    while (redisGetReplyFromReader(ctx, &raw) == REDIS_OK && raw != nullptr) {
      dispatch(static_cast<redisReply*>(raw));
    }
  }
  // Forget the descriptor before `conn` closes it on return, so the destructor never shuts down
  // a number the process has reused.
  std::lock_guard lock(mu_);
  fd_ = -1;
}

}  // namespace sessionpp::redis
