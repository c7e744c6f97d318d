// The session cookie's flags and the header mode, as sessiond sends them.
#include <gtest/gtest.h>

#include "integration/sessiond/sessiond_test_util.h"

namespace sessionpp::testing {
namespace {

bool has(const std::string& line, const std::string& part) {
  return line.find(part) != std::string::npos;
}

std::string login_cookie_line(const std::string& extra, const Headers& headers = {},
                              bool remember = false) {
  SessiondProcess node({.config = users_config(extra)});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw", remember), headers);
  EXPECT_EQ(r.status, 200) << r.body;
  auto line = r.set_cookie();
  EXPECT_TRUE(line.has_value());
  return line.value_or("");
}

TEST(SessiondCookie, DefaultsHttpOnlyLaxRootPathNoSecureNoMaxAge) {
  const std::string line = login_cookie_line("");
  EXPECT_TRUE(has(line, "; HttpOnly")) << line;
  EXPECT_TRUE(has(line, "; SameSite=Lax")) << line;
  EXPECT_TRUE(has(line, "; Path=/")) << line;
  EXPECT_FALSE(has(line, "Secure")) << line;
  EXPECT_FALSE(has(line, "Max-Age")) << line;
  EXPECT_FALSE(has(line, "Expires")) << line;
  EXPECT_FALSE(has(line, "Domain")) << line;
}

TEST(SessiondCookie, SameSiteStrict) {
  const std::string line = login_cookie_line("[security.cookie]\nsame_site = \"Strict\"\n");
  EXPECT_TRUE(has(line, "; SameSite=Strict")) << line;
}

TEST(SessiondCookie, SameSiteNoneCarriesSecure) {
  const std::string line = login_cookie_line("[security.cookie]\nsame_site = \"None\"\n");
  EXPECT_TRUE(has(line, "; SameSite=None")) << line;
  EXPECT_TRUE(has(line, "; Secure")) << line;
}

TEST(SessiondCookie, NamePathAndDomain) {
  SessiondProcess node(
      {.config = users_config("[security.cookie]\nname = \"SID\"\npath = \"/app\"\n"
                              "domain = \"example.test\"\n")});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw"));
  ASSERT_EQ(r.status, 200);
  auto line = r.set_cookie("SID");
  ASSERT_TRUE(line.has_value());
  EXPECT_TRUE(has(*line, "; Path=/app")) << *line;
  EXPECT_TRUE(has(*line, "; Domain=example.test")) << *line;
  EXPECT_EQ(c.get("/api/session", {{"Cookie", "SID=" + *r.cookie_value("SID")}}).status, 200);
  EXPECT_EQ(c.get("/api/session", cookie(*r.cookie_value("SID"))).status, 401)
      << "the default name is not read when another is configured";
}

TEST(SessiondCookie, SecureAutoFollowsXForwardedProto) {
  EXPECT_TRUE(has(login_cookie_line("", {{"X-Forwarded-Proto", "https"}}), "; Secure"));
  EXPECT_FALSE(has(login_cookie_line("", {{"X-Forwarded-Proto", "http"}}), "Secure"));
}

TEST(SessiondCookie, SecureForcedAlwaysAndNever) {
  EXPECT_TRUE(has(login_cookie_line("[security.cookie]\nsecure = \"always\"\n"), "; Secure"));
  EXPECT_FALSE(has(login_cookie_line("[security.cookie]\nsecure = \"never\"\n",
                                     {{"X-Forwarded-Proto", "https"}}),
                   "Secure"));
}

TEST(SessiondCookie, RememberMeAddsMaxAge) {
  const std::string line =
      login_cookie_line("[security.cookie]\nremember_me = \"2h\"\n", {}, /*remember=*/true);
  EXPECT_TRUE(has(line, "; Max-Age=7200")) << line;
}

TEST(SessiondCookie, RememberMeSessionCarriesTheLongerTimeout) {
  SessiondProcess node({.config = users_config("[security.cookie]\nremember_me = \"2h\"\n")});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw", true));
  ASSERT_EQ(r.status, 200);
  HttpResponse s = c.get("/api/session", cookie(*r.cookie_value()));
  EXPECT_NE(s.body.find("\"max_inactive_seconds\":7200"), std::string::npos) << s.body;
}

TEST(SessiondCookie, HeaderModeHandsOutAndAcceptsXAuthToken) {
  SessiondProcess node({.config = users_config("[security.session_header]\nenabled = true\n")});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw"));
  ASSERT_EQ(r.status, 200);
  auto token = r.header("X-Auth-Token");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->size(), 43u);
  HttpResponse s = c.get("/api/session", {{"X-Auth-Token", *token}});
  EXPECT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(c.post("/api/logout", "", {{"X-Auth-Token", *token}}).status, 204);
  EXPECT_EQ(c.get("/api/session", {{"X-Auth-Token", *token}}).status, 401);
}

TEST(SessiondCookie, HeaderIsIgnoredUnlessEnabled) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  HttpResponse r = c.post("/api/login", login_body("alice", "alice-pw"));
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.header("X-Auth-Token").has_value());
  EXPECT_EQ(c.get("/api/session", {{"X-Auth-Token", *r.cookie_value()}}).status, 401);
}

}  // namespace
}  // namespace sessionpp::testing
