#include "sessionpp/http/cookie.h"

#include <gtest/gtest.h>

namespace sessionpp::http {
namespace {

TEST(FindCookies, FindsEveryValueOfTheName) {
  EXPECT_EQ(find_cookies("a=1; SESSION=x; b=2; SESSION=y", "SESSION"),
            (std::vector<std::string_view>{"x", "y"}));
  EXPECT_EQ(find_cookies("SESSION=\"quoted\"", "SESSION"),
            (std::vector<std::string_view>{"quoted"}));
  EXPECT_EQ(find_cookies("  SESSION = spaced ;", "SESSION"),
            (std::vector<std::string_view>{"spaced"}));
}

TEST(FindCookies, IgnoresOtherNamesAndGarbage) {
  EXPECT_TRUE(find_cookies("", "SESSION").empty());
  EXPECT_TRUE(find_cookies(";;;===;", "SESSION").empty());
  EXPECT_TRUE(find_cookies("session=lowercase; XSESSION=1; SESSIONX=2", "SESSION").empty());
  EXPECT_TRUE(find_cookies("SESSION", "SESSION").empty());
}

TEST(SetCookie, DefaultsAreHttpOnlyLaxRootPathNoMaxAge) {
  const std::string v = set_cookie_value(CookieOptions{}, "abc", /*secure=*/false);
  EXPECT_EQ(v, "SESSION=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, SecureDomainMaxAgeAndSameSite) {
  CookieOptions o{
      .name = "sid", .path = "/app", .domain = "example.com", .same_site = SameSite::kStrict};
  EXPECT_EQ(set_cookie_value(o, "v", true, std::chrono::seconds(60)),
            "sid=v; Max-Age=60; Path=/app; Domain=example.com; Secure; HttpOnly; "
            "SameSite=Strict");
}

TEST(SetCookie, SameSiteNoneAlwaysCarriesSecure) {
  CookieOptions o{.same_site = SameSite::kNone};
  EXPECT_NE(set_cookie_value(o, "v", false).find("; Secure"), std::string::npos);
}

TEST(ClearCookie, ExpiresAtOnceWithTheSameScope) {
  CookieOptions o{.path = "/p", .domain = "d.example"};
  const std::string v = clear_cookie_value(o, false);
  EXPECT_TRUE(v.starts_with("SESSION=;")) << v;
  EXPECT_NE(v.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(v.find("Path=/p"), std::string::npos);
  EXPECT_NE(v.find("Domain=d.example"), std::string::npos);
}

TEST(ParseOptions, SameSiteAndSecureModes) {
  EXPECT_EQ(*parse_same_site("strict"), SameSite::kStrict);
  EXPECT_EQ(*parse_same_site("None"), SameSite::kNone);
  EXPECT_FALSE(parse_same_site("sometimes").ok());
  EXPECT_EQ(*parse_secure_mode("ALWAYS"), SecureMode::kAlways);
  EXPECT_FALSE(parse_secure_mode("yes").ok());
}

TEST(Validate, RejectsNamesAndPathsThatBreakTheHeader) {
  EXPECT_TRUE(validate(CookieOptions{}).ok());
  EXPECT_FALSE(validate(CookieOptions{.name = "a b"}).ok());
  EXPECT_FALSE(validate(CookieOptions{.name = "a;b"}).ok());
  EXPECT_FALSE(validate(CookieOptions{.name = ""}).ok());
  EXPECT_FALSE(validate(CookieOptions{.path = "relative"}).ok());
  EXPECT_FALSE(validate(CookieOptions{.path = "/a;b"}).ok());
  EXPECT_FALSE(validate(CookieOptions{.domain = "evil.com; x"}).ok());
  auto r = validate(CookieOptions{.name = "a b"});
  EXPECT_NE(r.error().message.find("cookie.name"), std::string::npos);
}

}  // namespace
}  // namespace sessionpp::http
