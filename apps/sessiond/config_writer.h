#pragma once

// Changes a few keys of sessiond's TOML file and writes it back atomically, keeping every other
// setting. Used by the console (PUT /api/admin/security) and `sessionctl config set-persistence`.
// Comments and the order of keys are not kept: the file is re-serialised by toml++.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sessionpp/result.h"

namespace sessiond {

using TomlValue = std::variant<std::string, std::int64_t, bool>;

struct ConfigEdit {
  // Dotted keys from the root ("security.session_persistence.redis.port") and their new value;
  // missing tables are created.
  std::vector<std::pair<std::string, TomlValue>> set;
  // Dotted keys and the array of strings each gets (kept apart from `set`: GCC 12 warns
  // spuriously about a variant holding a vector).
  std::vector<std::pair<std::string, std::vector<std::string>>> set_lists;
  // Dotted keys to delete; absent ones are ignored.
  std::vector<std::string> erase;
};

// Applies `edit` to the TOML text `original` (from `source`, for errors). Errors: kInvalidArgument
// "<source>:<line>:<col>: invalid TOML: ..." or naming the key that is not a table.
sessionpp::Result<std::string> apply_edit(std::string_view original, std::string_view source,
                                          const ConfigEdit& edit);

// The TOML text with every secret masked: `password` and `*_password` values and the password
// in a database URL ("postgresql://user:***@host/db") become "********". Errors as apply_edit.
sessionpp::Result<std::string> masked_config(std::string_view text, std::string_view source);

// Writes `text` to `path` atomically: a temporary file in the same folder (with the mode of the
// file it replaces, 0600 for a new one), fsync, rename, fsync of the folder. Errors name the path.
sessionpp::Result<void> write_file_atomically(const std::string& path, std::string_view text);

// Reads a whole file; kInvalidArgument naming the path when it cannot be read.
sessionpp::Result<std::string> read_file(const std::string& path);

}  // namespace sessiond
