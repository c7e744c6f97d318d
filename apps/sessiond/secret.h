#pragma once

// A password from the config file, an environment variable or a file. Never logged.

#include <string>
#include <string_view>

#include "sessionpp/result.h"

namespace sessiond {

struct Secret {
  std::string value;  // `password = "..."`
  std::string env;    // `password_env = "VAR"`
  std::string file;   // `password_file = "PATH"` (one trailing newline is dropped)

  bool empty() const noexcept { return value.empty() && env.empty() && file.empty(); }
};

// The secret's text. `key` names the setting in errors ("security.session_persistence.redis");
// errors name the variable or file, never the value.
sessionpp::Result<std::string> resolve(const Secret& secret, std::string_view key);

}  // namespace sessiond
