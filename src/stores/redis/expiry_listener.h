#pragma once

// Expired-key notifications: a thread of its own subscribed to __keyevent@<db>__:expired on a
// connection of its own, turning expired session keys into handles.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "stores/redis/endpoint.h"

namespace sessionpp::redis {

class ExpiryListener {
 public:
  using OnExpired = std::function<void(std::string_view handle)>;
  using Log = std::function<void(std::string_view)>;

  // Starts the thread. It reconnects (every second) after a failure until destroyed. `ep` must
  // outlive the listener; `on_expired` runs on the listener's thread.
  ExpiryListener(const Endpoint& ep, std::string key_prefix, OnExpired on_expired, Log log);
  // Stops and joins the thread (within a moment: its socket is shut down).
  ~ExpiryListener();
  ExpiryListener(const ExpiryListener&) = delete;
  ExpiryListener& operator=(const ExpiryListener&) = delete;

 private:
  void loop();
  // One connection's life: subscribe, dispatch messages until it fails or the listener stops.
  void listen();
  bool stopping();

  const Endpoint& ep_;
  const std::string session_key_start_;  // "<prefix>{"
  const OnExpired on_expired_;
  const Log log_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  int fd_ = -1;        // GUARDED_BY(mu_): the socket in use, shut down to stop
  std::thread thread_;
};

}  // namespace sessionpp::redis
