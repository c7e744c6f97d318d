#include "core/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace sessionpp::detail {

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("sessionpp: libsodium failed to initialize; refusing to mint session ids\n",
                 stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

}  // namespace sessionpp::detail
