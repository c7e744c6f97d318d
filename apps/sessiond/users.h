#pragma once

// The configured users and password checks.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"

namespace sessiond {

// Thread-safe after construction.
class UserDirectory {
 public:
  explicit UserDirectory(std::vector<UserConfig> users) : users_(std::move(users)) {}

  // The user when `password` matches, else nullptr. An unknown user costs the same argon2id
  // work as a known one, so response times do not tell which usernames exist.
  const UserConfig* authenticate(std::string_view username, std::string_view password) const;
  // The user called `username`, or nullptr.
  const UserConfig* find(std::string_view username) const;
  bool empty() const noexcept { return users_.empty(); }

 private:
  const std::string& dummy_hash() const;

  std::vector<UserConfig> users_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_hash_;
};

}  // namespace sessiond
