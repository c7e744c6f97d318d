#pragma once

#include <chrono>
#include <string>

namespace sessionpp::redis {

// Where and how a connection goes. Holds the password: never log or print it.
struct Endpoint {
  std::string host;
  int port = 6379;
  std::string username;
  std::string password;
  int database = 0;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{1000};
  // A Sentinel, not a data node: no SELECT in the handshake.
  bool sentinel = false;

  // "host:port" ("[::1]:port" for IPv6), the name errors use.
  std::string address() const;
  // "user 'name'" or "the default user".
  std::string user_label() const;
};

}  // namespace sessionpp::redis
