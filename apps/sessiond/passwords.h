#pragma once

// argon2id password hashes (libsodium's crypto_pwhash_str), shared by sessiond and sessionctl.

#include <string>
#include <string_view>

#include "sessionpp/result.h"

namespace sessiond {

// An argon2id hash of `password` ("$argon2id$v=19$m=65536,t=2,p=1$..."), with libsodium's
// interactive limits. Errors: kInternal when libsodium runs out of memory.
sessionpp::Result<std::string> hash_password(std::string_view password);

// True when `password` matches `hash`. Constant work for a given hash.
bool verify_password(const std::string& hash, std::string_view password);

// A random password of 20 base64url characters (120 bits).
std::string random_password();

}  // namespace sessiond
