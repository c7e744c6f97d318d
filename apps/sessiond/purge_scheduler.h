#pragma once

// Deletes expired sessions in the background for stores that need it (SQL, MongoDB; Redis
// cleans its indexes): every `interval`, give or take a fifth at random so that the nodes of a
// fleet do not all purge at once, in batches until a batch comes back short. The stores
// themselves make sure only one node purges at a time where the database offers a lock.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "sessionpp/repository.h"

namespace sessiond {

class PurgeScheduler {
 public:
  // Starts the thread. REQUIRES: `repository` outlives the scheduler; interval > 0.
  PurgeScheduler(sessionpp::SessionRepository& repository, std::chrono::milliseconds interval,
                 std::size_t batch);
  // Stops the thread, waiting for a purge in progress to finish its batch.
  ~PurgeScheduler();
  PurgeScheduler(const PurgeScheduler&) = delete;
  PurgeScheduler& operator=(const PurgeScheduler&) = delete;

 private:
  void run();

  sessionpp::SessionRepository& repository_;
  const std::chrono::milliseconds interval_;
  const std::size_t batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace sessiond
