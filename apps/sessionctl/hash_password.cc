#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "passwords.h"

namespace sessionctl {

int hash_password_command(const std::vector<std::string>& args) {
  if (!args.empty()) {
    std::fputs("usage: sessionctl hash-password < password.txt\n", stderr);
    return 2;
  }
  if (isatty(STDIN_FILENO)) std::fputs("Password (input is not hidden; end with Enter): ", stderr);
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    std::fputs("sessionctl: hash-password: no password on standard input\n", stderr);
    return 2;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    std::fputs("sessionctl: hash-password: the password is empty\n", stderr);
    return 2;
  }
  auto hash = sessiond::hash_password(password);
  if (!hash) {
    std::fprintf(stderr, "sessionctl: hash-password: %s\n", hash.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", hash->c_str());
  return 0;
}

}  // namespace sessionctl
