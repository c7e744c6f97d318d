#pragma once

// One-line log records on stderr: "2026-01-31T12:00:00.000Z sessiond LEVEL message".
// Never give a secret to these.

#include <string_view>

namespace sessiond {

void log_info(std::string_view message);
void log_error(std::string_view message);

}  // namespace sessiond
