#pragma once

// Shared bits of the sessiond integration tests: users with known passwords, login helpers.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "support/sessiond_process.h"

namespace sessionpp::testing {

// [[security.users]] for alice (password "alice-pw", roles user) and bob ("bob-pw", user+admin),
// with cheap hashes, followed by `extra` TOML.
inline std::string users_config(const std::string& extra = "") {
  static const std::string alice = cheap_password_hash("alice-pw");
  static const std::string bob = cheap_password_hash("bob-pw");
  return extra + "\n[[security.users]]\nusername = \"alice\"\npassword_hash = \"" + alice +
         "\"\nroles = [\"user\"]\n\n[[security.users]]\nusername = \"bob\"\npassword_hash = \"" +
         bob + "\"\nroles = [\"user\", \"admin\"]\n";
}

inline std::string login_body(const std::string& user, const std::string& password,
                              bool remember = false) {
  return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"" +
         (remember ? ",\"remember_me\":true" : "") + "}";
}

inline Headers cookie(const std::string& id) { return {{"Cookie", "SESSION=" + id}}; }

// Logs in and returns the response; the test fails unless it is 200 with a session cookie.
inline HttpResponse login_ok(HttpClient& c, const std::string& user, const std::string& password,
                             const Headers& headers = {}) {
  HttpResponse r = c.post("/api/login", login_body(user, password), headers);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.cookie_value().has_value() && !r.cookie_value()->empty())
      << "no session cookie in the login response";
  return r;
}

// A string of the shape of a session id (43 base64url characters, canonical), that no server
// issued.
inline std::string well_shaped_id(std::mt19937_64& rng) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id;
  for (int i = 0; i < 42; ++i) id.push_back(kAlphabet[rng() % 64]);
  id.push_back(kAlphabet[(rng() % 16) * 4]);  // the last character's two low bits are zero
  return id;
}

}  // namespace sessionpp::testing
