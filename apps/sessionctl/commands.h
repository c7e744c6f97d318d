#pragma once

// sessionctl subcommands. Each takes the arguments after its name and returns the exit code.
// Planned: `config ...` (show, check, set), `sessions ...` (list, revoke by user or handle).

#include <string>
#include <vector>

namespace sessionctl {

// Reads a password from stdin (one line; the newline is dropped) and prints its argon2id hash.
int hash_password_command(const std::vector<std::string>& args);

}  // namespace sessionctl
