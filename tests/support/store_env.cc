#include "support/store_env.h"

#include <sodium.h>

#include <cstdlib>
#include <string_view>

namespace sessionpp::testing {

std::string fresh_namespace() {
  if (sodium_init() < 0) std::abort();
  unsigned char raw[5];
  randombytes_buf(raw, sizeof raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string ns = "ct";
  for (unsigned char b : raw) {
    ns.push_back(kHex[b >> 4]);
    ns.push_back(kHex[b & 0xf]);
  }
  ns.push_back('_');
  return ns;
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0' && std::string_view(ci) != "false" &&
         std::string_view(ci) != "0";
}

}  // namespace sessionpp::testing
