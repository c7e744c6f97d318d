#include "stores/redis/read_batcher.h"

namespace sessionpp::redis {

ReadBatcher::ReadBatcher(const Endpoint& ep, std::size_t lanes) : ep_(ep) {
  for (std::size_t i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>());
}

Result<ReplyPtr> ReadBatcher::call(const Command& c) {
  Lane& lane = *lanes_[next_.fetch_add(1, std::memory_order_relaxed) % lanes_.size()];
  Request req{&c, std::nullopt};
  std::unique_lock lock(lane.mu);
  lane.queue.push_back(&req);
  if (!lane.busy) {
    lane.busy = true;
    req.lead = true;
  }
  req.wake.wait(lock, [&] { return req.result.has_value() || req.lead; });
  if (req.result) return std::move(*req.result);

  // Lead one round trip with everything queued, our own request included.
  std::vector<Request*> batch;
  batch.swap(lane.queue);
  std::unique_ptr<Connection> conn = std::move(lane.conn);
  lock.unlock();
  std::vector<Result<ReplyPtr>> results = send(conn, batch);
  lock.lock();
  lane.conn = std::move(conn);
  // Results are handed over under the lock: their callers read them under it, and may return
  // (destroying their Request) as soon as they see them.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->result.emplace(std::move(results[i]));
    if (batch[i] != &req) batch[i]->wake.notify_one();
  }
  if (lane.queue.empty()) {
    lane.busy = false;
  } else {
    Request* next = lane.queue.front();
    next->lead = true;
    next->wake.notify_one();
  }
  return std::move(*req.result);
}

std::vector<Result<ReplyPtr>> ReadBatcher::send(std::unique_ptr<Connection>& conn,
                                                const std::vector<Request*>& batch) {
  std::vector<const Command*> commands;
  commands.reserve(batch.size());
  for (const Request* r : batch) commands.push_back(r->command);
  Result<std::vector<ReplyPtr>> replies = make_error(Errc::kInternal, "not sent");
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = Connection::open(ep_);
      if (!opened) {
        replies = std::move(opened).error();
        break;
      }
      conn = std::move(*opened);
    }
    replies = conn->pipeline(std::span<const Command* const>(commands));
    if (replies) break;
    conn.reset();  // broken: closed here, outside the lock
    // Retry only a connection the server closed, never a timeout (the call's time bound).
    if (!reused || replies.error().code != Errc::kUnavailable) break;
  }
  std::vector<Result<ReplyPtr>> results;
  results.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (replies) {
      results.emplace_back(std::move((*replies)[i]));
    } else {
      results.emplace_back(replies.error());
    }
  }
  return results;
}

}  // namespace sessionpp::redis
