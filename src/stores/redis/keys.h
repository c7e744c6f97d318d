#pragma once

// Key names. Every key starts with the configured prefix; hash-tag braces put all keys of one
// session in one Redis Cluster slot.
//   {prefix}{<handle>}                 hash: one session
//   {prefix}principal:{<principal>}    sorted set: handles of a user's sessions, scored by expiry
//   {prefix}expiries                   sorted set: every session's handle, scored by expiry

#include <string>
#include <string_view>

namespace sessionpp::redis {

class Keys {
 public:
  explicit Keys(std::string prefix) : prefix_(std::move(prefix)) {}

  std::string session(std::string_view handle) const {
    std::string k;
    k.reserve(prefix_.size() + handle.size() + 2);
    k.append(prefix_).append("{").append(handle).append("}");
    return k;
  }
  std::string principal(std::string_view principal) const {
    return prefix_ + "principal:{" + std::string(principal) + "}";
  }
  std::string expiries() const { return prefix_ + "expiries"; }
  const std::string& prefix() const noexcept { return prefix_; }

 private:
  std::string prefix_;
};

}  // namespace sessionpp::redis
