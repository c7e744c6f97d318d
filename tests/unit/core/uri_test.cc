#include "core/uri.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace sessionpp::detail {
namespace {

TEST(UriTest, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("p%40ss%3a"), "p@ss:");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", /*plus_is_space=*/true), "a b");
  EXPECT_EQ(percent_decode("%41"), "A");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
}

TEST(UriTest, PercentEncodeRoundTrips) {
  const std::string all = [] {
    std::string s;
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
    return s;
  }();
  const std::string encoded = percent_encode(all);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"),
            std::string::npos);
  EXPECT_EQ(percent_decode(encoded), all);
  EXPECT_EQ(percent_encode("a b@c"), "a%20b%40c");
}

TEST(UriTest, QueryPairs) {
  std::vector<std::pair<std::string, std::string>> seen;
  EXPECT_TRUE(for_each_query_pair("a=1&&b=&c", [&](std::string_view k, std::string_view v) {
    seen.emplace_back(k, v);
    return true;
  }));
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", ""}, {"c", ""}}));
  int calls = 0;
  EXPECT_FALSE(for_each_query_pair("x=1&y=2", [&](std::string_view, std::string_view) {
    ++calls;
    return false;
  }));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sessionpp::detail
