#include "users.h"

#include "passwords.h"

namespace sessiond {

const UserConfig* UserDirectory::find(std::string_view username) const {
  for (const auto& u : users_) {
    if (u.username == username) return &u;
  }
  return nullptr;
}

const std::string& UserDirectory::dummy_hash() const {
  std::call_once(dummy_once_, [this] {
    auto h = hash_password(random_password());
    dummy_hash_ = h ? *h : std::string();
  });
  return dummy_hash_;
}

const UserConfig* UserDirectory::authenticate(std::string_view username,
                                              std::string_view password) const {
  const UserConfig* user = find(username);
  if (user == nullptr) {
    (void)verify_password(dummy_hash(), password);
    return nullptr;
  }
  return verify_password(user->password_hash, password) ? user : nullptr;
}

}  // namespace sessiond
