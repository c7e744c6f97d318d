#include "stores/mongo/attribute_name_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sessionpp::mongo {
namespace {

using std::string_literals::operator""s;

TEST(MongoAttributeNameCodecTest, OrdinaryNamesAreKeptAsTheyAre) {
  for (const std::string& name : {"cart"s, "user_id"s, "名前"s, "a-b c"s, std::string(200, 'n')}) {
    EXPECT_EQ(encode_attribute_name(name), name);
    EXPECT_EQ(decode_attribute_name(name), name);
  }
}

TEST(MongoAttributeNameCodecTest, EscapesDotsDollarsNulAndTheEscapeByte) {
  EXPECT_EQ(encode_attribute_name("a.b"), "a%2Eb");
  EXPECT_EQ(encode_attribute_name("$where"), "%24where");
  EXPECT_EQ(encode_attribute_name("price$"), "price%24");
  EXPECT_EQ(encode_attribute_name("nul\0inside"s), "nul%00inside");
  EXPECT_EQ(encode_attribute_name("100%"), "100%25");
  EXPECT_EQ(encode_attribute_name("%2E"), "%252E");  // not confused with an escaped dot
}

TEST(MongoAttributeNameCodecTest, EncodedNamesAreValidFieldNames) {
  for (const std::string& name : {"."s, ".."s, "$"s, "$.$"s, "\0"s, "a.\0.$"s, "%"s, "%%24"s}) {
    const std::string field = encode_attribute_name(name);
    EXPECT_EQ(field.find('.'), std::string::npos) << field;
    EXPECT_EQ(field.find('$'), std::string::npos) << field;
    EXPECT_EQ(field.find('\0'), std::string::npos) << field;
    EXPECT_FALSE(field.empty());
  }
}

TEST(MongoAttributeNameCodecTest, RoundTripsEveryByte) {
  std::vector<std::string> names = {"a.b.c", "$leading", "nul\0inside"s, "%2E",   "%",
                                    "%%",    "%0",       "trailing%",    "$.%\0"s};
  for (int b = 0; b < 256; ++b) {
    names.push_back(std::string(1, static_cast<char>(b)));
    names.push_back("x" + std::string(1, static_cast<char>(b)) + "y");
  }
  for (const auto& name : names) {
    const auto decoded = decode_attribute_name(encode_attribute_name(name));
    ASSERT_TRUE(decoded.has_value()) << "name of " << name.size() << " bytes";
    EXPECT_EQ(*decoded, name);
  }
}

TEST(MongoAttributeNameCodecTest, RefusesFieldsItCannotHaveProduced) {
  for (const std::string& field : {"a.b"s, "$x"s, "nul\0"s, "%"s, "%2"s, "%41"s, "%2e"s, "x%zz"s}) {
    EXPECT_FALSE(decode_attribute_name(field).has_value()) << field;
  }
}

}  // namespace
}  // namespace sessionpp::mongo
