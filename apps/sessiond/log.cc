#include "log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "pages.h"
#include "sessionpp/clock.h"

namespace sessiond {
namespace {

void write(std::string_view level, std::string_view message) {
  static std::mutex mu;
  const std::string line = iso8601(sessionpp::SystemClock().now()) + " sessiond " +
                           std::string(level) + " " + std::string(message) + "\n";
  std::lock_guard lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void log_info(std::string_view message) { write("INFO", message); }
void log_error(std::string_view message) { write("ERROR", message); }

}  // namespace sessiond
