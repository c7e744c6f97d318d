#pragma once

// sessionctl subcommands. Each takes the arguments after its name and returns the exit code:
// 0 ok, 1 not found, 2 usage or configuration error, 3 store unreachable.

#include <string>
#include <vector>

namespace sessionctl {

inline constexpr int kOk = 0;
inline constexpr int kNotFound = 1;
inline constexpr int kUsage = 2;
inline constexpr int kUnreachable = 3;

// Reads a password from stdin (one line; the newline is dropped) and prints its argon2id hash.
int hash_password_command(const std::vector<std::string>& args);

// config show | set-persistence TYPE [...] | test   (see config_commands.cc)
int config_command(const std::vector<std::string>& args);

// sessions list [--user NAME] | revoke HANDLE | revoke-user NAME | purge
int sessions_command(const std::vector<std::string>& args);

}  // namespace sessionctl
