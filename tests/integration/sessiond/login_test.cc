// Login, logout, rotation, throttling and session limits against the real sessiond.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "integration/sessiond/sessiond_test_util.h"

namespace sessionpp::testing {
namespace {

TEST(SessiondLogin, LoginRotatesTheIdAndThePreLoginCookieStopsWorking) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  const std::string first = *login_ok(c, "alice", "alice-pw").cookie_value();
  EXPECT_EQ(c.get("/api/session", cookie(first)).status, 200);
  EXPECT_EQ(c.request("PUT", "/api/session/attributes/cart", cookie(first), "3 apples").status,
            204);

  HttpResponse again = login_ok(c, "alice", "alice-pw", cookie(first));
  const std::string second = *again.cookie_value();
  EXPECT_NE(second, first);
  EXPECT_EQ(c.get("/api/session", cookie(first)).status, 401) << "the old id must stop working";
  HttpResponse s = c.get("/api/session", cookie(second));
  ASSERT_EQ(s.status, 200);
  EXPECT_NE(s.body.find("\"user\":\"alice\""), std::string::npos) << s.body;
  EXPECT_NE(s.body.find("\"cart\":\"3 apples\""), std::string::npos) << s.body;
}

TEST(SessiondLogin, LoginAsAnotherUserNeverInheritsTheSessionData) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  const std::string alice = *login_ok(c, "alice", "alice-pw").cookie_value();
  ASSERT_EQ(c.request("PUT", "/api/session/attributes/secret", cookie(alice), "alice only").status,
            204);
  const std::string bob = *login_ok(c, "bob", "bob-pw", cookie(alice)).cookie_value();
  EXPECT_NE(bob, alice);
  HttpResponse s = c.get("/api/session", cookie(bob));
  ASSERT_EQ(s.status, 200);
  EXPECT_NE(s.body.find("\"user\":\"bob\""), std::string::npos);
  EXPECT_NE(s.body.find("\"attributes\":{}"), std::string::npos) << s.body;
  EXPECT_EQ(c.get("/api/session/attributes/secret", cookie(bob)).status, 404);
  EXPECT_EQ(c.get("/api/session", cookie(alice)).status, 401);
}

TEST(SessiondLogin, LogoutEndsTheSessionEverywhere) {
  SessiondProcess node({.config = users_config()});
  HttpClient browser = node.client();
  HttpClient other_tab = node.client(/*keep_alive=*/true);
  const std::string id = *login_ok(browser, "alice", "alice-pw").cookie_value();
  ASSERT_EQ(other_tab.get("/api/session", cookie(id)).status, 200);

  HttpResponse out = browser.post("/api/logout", "", cookie(id));
  EXPECT_EQ(out.status, 204);
  ASSERT_TRUE(out.set_cookie().has_value());
  EXPECT_EQ(*out.cookie_value(), "");
  EXPECT_NE(out.set_cookie()->find("Max-Age=0"), std::string::npos);

  EXPECT_EQ(other_tab.get("/api/session", cookie(id)).status, 401);
  EXPECT_EQ(other_tab.get("/api/session/attributes/x", cookie(id)).status, 401);
  EXPECT_EQ(browser.post("/api/logout", "", cookie(id)).status, 204) << "logout is idempotent";
}

TEST(SessiondLogin, WrongPasswordAndUnknownUserAre401) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "wrong"));
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(r.set_cookie().has_value());
  EXPECT_EQ(c.post("/api/login", login_body("mallory", "x")).status, 401);
  EXPECT_EQ(c.get("/api/session").status, 401);
}

TEST(SessiondLogin, BadInputIsA400NamingTheField) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  struct Case {
    std::string body;
    std::string field;
  };
  for (const Case& k :
       {Case{"not json", "body"}, Case{"[1,2]", "body"}, Case{"", "body"},
        Case{"{\"password\":\"x\"}", "username"},
        Case{"{\"username\":42,\"password\":\"x\"}", "username"},
        Case{"{\"username\":\"\",\"password\":\"x\"}", "username"},
        Case{"{\"username\":\"alice\"}", "password"},
        Case{"{\"username\":\"alice\",\"password\":null}", "password"},
        Case{"{\"username\":\"a\",\"password\":\"b\",\"remember_me\":\"yes\"}", "remember_me"},
        Case{"{\"username\":\"" + std::string(300, 'u') + "\",\"password\":\"b\"}", "username"}}) {
    HttpResponse r = c.post("/api/login", k.body);
    EXPECT_EQ(r.status, 400) << k.body;
    EXPECT_NE(r.body.find("\"field\":\"" + k.field + "\""), std::string::npos)
        << k.body << " -> " << r.body;
  }
  EXPECT_EQ(c.get("/api/login").status, 405);
  EXPECT_EQ(c.get("/no/such/thing").status, 404);
}

TEST(SessiondLogin, ThrottlesRepeatedFailuresForOneUserFromOneAddress) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c.post("/api/login", login_body("alice", "wrong")).status, 401) << "attempt " << i;
  }
  HttpResponse blocked = c.post("/api/login", login_body("alice", "alice-pw"));
  EXPECT_EQ(blocked.status, 429) << "even the right password waits out the window";
  ASSERT_TRUE(blocked.header("Retry-After").has_value());
  const int retry = std::stoi(*blocked.header("Retry-After"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_FALSE(blocked.set_cookie().has_value());
  // Another user from the same address is not affected.
  login_ok(c, "bob", "bob-pw");
}

TEST(SessiondLogin, MaxSessionsPerUserEndsTheOldest) {
  SessiondProcess node({.config = users_config("[security]\nmax_sessions_per_user = 2\n")});
  HttpClient c = node.client();
  // Sessions are ordered by creation time in milliseconds: keep the logins apart.
  const auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); };
  const std::string a = *login_ok(c, "alice", "alice-pw").cookie_value();
  pause();
  const std::string b = *login_ok(c, "alice", "alice-pw").cookie_value();
  EXPECT_EQ(c.get("/api/session", cookie(a)).status, 200);
  pause();
  const std::string d = *login_ok(c, "alice", "alice-pw").cookie_value();
  EXPECT_EQ(c.get("/api/session", cookie(a)).status, 401) << "the oldest session is ended";
  EXPECT_EQ(c.get("/api/session", cookie(b)).status, 200);
  EXPECT_EQ(c.get("/api/session", cookie(d)).status, 200);
  login_ok(c, "bob", "bob-pw");
  EXPECT_EQ(c.get("/api/session", cookie(b)).status, 200) << "other users do not count";
}

TEST(SessiondLogin, WithoutUsersAnAdminIsCreatedWithARandomPasswordPrintedOnce) {
  SessiondProcess node({.config = "[server]\nnode_name = \"n1\"\n"});
  const std::string out = node.output();
  const std::string marker = "created user 'admin' with password ";
  const std::size_t at = out.find(marker);
  ASSERT_NE(at, std::string::npos) << out;
  const std::string password = out.substr(at + marker.size(), 20);
  EXPECT_EQ(out.find(password, at + marker.size() + 1), std::string::npos) << "printed once";
  HttpClient c = node.client();
  HttpResponse r = login_ok(c, "admin", password);
  EXPECT_NE(r.body.find("\"admin\""), std::string::npos);
}

TEST(SessiondLogin, AdminPasswordFromTheEnvironmentIsNeverPrinted) {
  const std::string password = "env-secret-Zq81x";
  SessiondProcess node({.env = {{"SESSIOND_ADMIN_PASSWORD", password}}});
  HttpClient c = node.client();
  login_ok(c, "admin", password);
  EXPECT_EQ(c.post("/api/login", login_body("admin", "wrong-Kx93")).status, 401);
  const std::string out = node.output();
  EXPECT_EQ(out.find(password), std::string::npos) << out;
  EXPECT_EQ(out.find("wrong-Kx93"), std::string::npos) << out;
  EXPECT_NE(out.find("SESSIOND_ADMIN_PASSWORD"), std::string::npos) << "says where it came from";
}

TEST(SessiondLogin, AuthenticationOffMeansNoLoginAndNoSessions) {
  SessiondProcess node({.config = "[security]\nauthentication = false\n"});
  HttpClient c = node.client();
  EXPECT_EQ(c.post("/api/login", login_body("admin", "x")).status, 404);
  EXPECT_EQ(c.get("/api/session").status, 404);
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_EQ(c.get("/").status, 200);
}

}  // namespace
}  // namespace sessionpp::testing
