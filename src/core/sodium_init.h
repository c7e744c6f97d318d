#pragma once

namespace sessionpp::detail {

// Initializes libsodium once per process; aborts if its CSPRNG cannot be set up, since no
// session id could be trusted after that. Safe to call from any thread.
void ensure_sodium();

}  // namespace sessionpp::detail
