#include "secret.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sessiond {

sessionpp::Result<std::string> resolve(const Secret& s, std::string_view key) {
  using sessionpp::Errc;
  using sessionpp::make_error;
  if (!s.env.empty()) {
    const char* v = std::getenv(s.env.c_str());
    if (v == nullptr) {
      return make_error(Errc::kInvalidArgument,
                        std::string(key) + ".password_env: variable '" + s.env + "' is not set");
    }
    return std::string(v);
  }
  if (!s.file.empty()) {
    std::ifstream in(s.file, std::ios::binary);
    if (!in) {
      return make_error(Errc::kInvalidArgument,
                        std::string(key) + ".password_file: cannot read '" + s.file + "'");
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string v = text.str();
    if (!v.empty() && v.back() == '\n') v.pop_back();
    if (!v.empty() && v.back() == '\r') v.pop_back();
    return v;
  }
  return s.value;
}

}  // namespace sessiond
