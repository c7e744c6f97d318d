// sessionctl: the command-line tool for sessiond's configuration and stored sessions.
//
//   sessionctl hash-password < password.txt
//   sessionctl config show | set-persistence TYPE [...] | test      [--config FILE]
//   sessionctl sessions list [--user NAME] | revoke HANDLE | revoke-user NAME | purge
//
// Exit codes: 0 ok, 1 not found, 2 usage or configuration error, 3 store unreachable.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>& args);
};

constexpr Command kCommands[] = {
    {"hash-password", "read a password on stdin, print its argon2id hash for [[security.users]]",
     &sessionctl::hash_password_command},
    {"config", "show (secrets masked), set-persistence TYPE [...], test the store",
     &sessionctl::config_command},
    {"sessions", "list [--user NAME], revoke HANDLE, revoke-user NAME, purge",
     &sessionctl::sessions_command},
};

int usage(FILE* out) {
  std::fputs("usage: sessionctl COMMAND [ARGS...]\n\ncommands:\n", out);
  std::fputs(
      "  (config and sessions read --config FILE, else $SESSIOND_CONFIG, else\n"
      "   /etc/sessiond/sessiond.toml; exit codes: 0 ok, 1 not found, 2 usage or\n"
      "   configuration error, 3 store unreachable)\n",
      out);
  for (const auto& c : kCommands) {
    std::fprintf(out, "  %-15.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return usage(stdout);
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (c.name == name) return c.run(args);
  }
  std::fprintf(stderr, "sessionctl: unknown command '%s'\n", argv[1]);
  return usage(stderr);
}
