#include "sessionpp/session_id.h"

#include <gtest/gtest.h>

#include <set>

namespace sessionpp {
namespace {

TEST(SessionIdTest, GeneratesCanonical43CharacterBase64Url) {
  for (int i = 0; i < 1000; ++i) {
    const SessionId id = SessionId::generate();
    ASSERT_EQ(id.str().size(), 43u);
    for (char c : id.str()) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << id.str();
    }
    auto parsed = SessionId::parse(id.str());
    ASSERT_TRUE(parsed.has_value()) << id.str();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(SessionIdTest, IdsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(seen.insert(SessionId::generate().str()).second);
}

TEST(SessionIdTest, EveryBitPositionVaries) {
  // 256 random bits: over 200 ids each of the 43 characters takes many values.
  std::vector<std::set<char>> seen(43);
  for (int i = 0; i < 200; ++i) {
    const std::string s = SessionId::generate().str();
    for (std::size_t k = 0; k < 43; ++k) seen[k].insert(s[k]);
  }
  for (std::size_t k = 0; k < 42; ++k) EXPECT_GT(seen[k].size(), 20u) << "position " << k;
  EXPECT_EQ(seen[42].size(), 16u);  // the last character carries 4 bits
}

TEST(SessionIdTest, ParseRejectsEveryOtherShape) {
  const std::string good = SessionId::generate().str();
  EXPECT_FALSE(SessionId::parse(""));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42)));
  EXPECT_FALSE(SessionId::parse(good + "A"));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42) + "="));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42) + "+"));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42) + "/"));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42) + " "));
  EXPECT_FALSE(SessionId::parse(std::string(43, '\0')));
  EXPECT_FALSE(SessionId::parse(good.substr(0, 42) + "B"));  // low bits set: not canonical
  EXPECT_TRUE(SessionId::parse(good.substr(0, 42) + "A"));
  EXPECT_TRUE(SessionId::parse(good.substr(0, 42) + "E"));
  EXPECT_TRUE(SessionId::parse(std::string(42, '_') + "w"));
  EXPECT_FALSE(SessionId::parse(std::string(42, '_') + "x"));
}

// Every byte value at every position: accepted exactly when it is in the base64url alphabet.
TEST(SessionIdTest, ParseAcceptsExactlyTheAlphabetAtEveryPosition) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::string good(43, 'A');
  for (std::size_t pos = 0; pos + 1 < good.size(); ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string text = good;
      text[pos] = static_cast<char>(b);
      const bool in_alphabet = alphabet.find(static_cast<char>(b)) != std::string::npos;
      EXPECT_EQ(SessionId::parse(text).has_value(), in_alphabet) << "byte " << b << " at " << pos;
    }
  }
}

TEST(HandleTest, IsLowercaseHexSha256OfTheId) {
  auto id = SessionId::parse(std::string(43, 'A'));  // 32 zero bytes, encoded
  ASSERT_TRUE(id.has_value());
  // printf '%s' AAAA...A (43 characters) | sha256sum
  EXPECT_EQ(handle_of(*id), "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a");
  const SessionId random = SessionId::generate();
  EXPECT_TRUE(is_handle(handle_of(random)));
  EXPECT_EQ(handle_of(random), handle_of(random));
  EXPECT_NE(handle_of(random), handle_of(SessionId::generate()));
}

TEST(HandleTest, ShapeCheck) {
  EXPECT_TRUE(is_handle(std::string(64, 'a')));
  EXPECT_TRUE(is_handle(std::string(64, '0')));
  EXPECT_FALSE(is_handle(std::string(64, 'A')));
  EXPECT_FALSE(is_handle(std::string(64, 'g')));
  EXPECT_FALSE(is_handle(std::string(63, 'a')));
  EXPECT_FALSE(is_handle(std::string(65, 'a')));
  EXPECT_FALSE(is_handle(""));
}

}  // namespace
}  // namespace sessionpp
