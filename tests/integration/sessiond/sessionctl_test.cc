// sessionctl hash-password, checked end to end: its hash logs a user into sessiond.
#include <gtest/gtest.h>

#include "integration/sessiond/sessiond_test_util.h"

namespace sessionpp::testing {
namespace {

TEST(SessionctlHashPassword, PrintsAnArgon2idHashThatSessiondAccepts) {
  RunResult r = run_program(sessionctl_binary(), {"hash-password"}, "carol-pw\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string hash = r.output.substr(0, r.output.find('\n'));
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_EQ(r.output.find("carol-pw"), std::string::npos) << "the password is never echoed";

  SessiondProcess node(
      {.config = "[[security.users]]\nusername = \"carol\"\npassword_hash = \"" + hash + "\"\n"});
  HttpClient c = node.client();
  login_ok(c, "carol", "carol-pw");
  EXPECT_EQ(c.post("/api/login", login_body("carol", "carol-pw2")).status, 401);
}

TEST(SessionctlHashPassword, RefusesAnEmptyPasswordAndUnknownCommands) {
  EXPECT_EQ(run_program(sessionctl_binary(), {"hash-password"}, "\n").exit_code, 2);
  EXPECT_EQ(run_program(sessionctl_binary(), {"hash-password"}).exit_code, 2);
  EXPECT_EQ(run_program(sessionctl_binary(), {"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_program(sessionctl_binary(), {"--help"}).exit_code, 0);
}

}  // namespace
}  // namespace sessionpp::testing
