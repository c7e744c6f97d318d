#pragma once

// Auto-pipelining for reads: concurrent finds from many threads share a few connections, and
// whatever queued up while one round trip was in flight goes out together in the next one. The
// server then reads and answers many commands per system call instead of one.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "sessionpp/result.h"
#include "stores/redis/connection.h"
#include "stores/redis/endpoint.h"

namespace sessionpp::redis {

// Thread safety: safe for concurrent access without external synchronization.
class ReadBatcher {
 public:
  // `lanes` connections (> 0), opened lazily. `ep` must outlive the batcher.
  ReadBatcher(const Endpoint& ep, std::size_t lanes);
  ReadBatcher(const ReadBatcher&) = delete;
  ReadBatcher& operator=(const ReadBatcher&) = delete;

  // Sends `c` (a read: it may be sent twice) and returns its reply; error replies are returned
  // as replies. A caller finding its lane idle leads: it sends everything queued (its own command
  // first among them) in one round trip, never holding the lane's mutex during I/O, hands out the
  // replies, and passes the lead to the oldest caller that queued meanwhile. Other callers sleep
  // until their reply or their turn to lead. A batch whose connection, opened earlier, turns out
  // closed (kUnavailable) is sent once more on a new one: after a server restart old connections
  // fail although the server is back.
  Result<ReplyPtr> call(const Command& c);

 private:
  struct Request {
    const Command* command;
    std::optional<Result<ReplyPtr>> result;  // GUARDED_BY(the lane's mu)
    bool lead = false;                       // GUARDED_BY(the lane's mu): this caller's turn
    std::condition_variable wake;            // one per caller: no thundering herd
  };
  struct Lane {
    std::mutex mu;
    std::vector<Request*> queue;       // GUARDED_BY(mu)
    bool busy = false;                 // GUARDED_BY(mu): a leader is doing I/O
    std::unique_ptr<Connection> conn;  // GUARDED_BY(mu); taken by the leader during I/O
  };

  // The leader's round trip, without the lock: one result per request, in order. Reads only
  // the requests' commands, which their callers do not touch until they have a result.
  std::vector<Result<ReplyPtr>> send(std::unique_ptr<Connection>& conn,
                                     const std::vector<Request*>& batch);

  const Endpoint& ep_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace sessionpp::redis
