// Attribute names MongoDB cannot hold as field names (dots, '$', NUL) round-trip through the
// server, are stored encoded in the attrs subdocument, and delta saves address them exactly.
#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include <memory>
#include <string>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

using std::string_literals::operator""s;

class MongoNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    collection_ = fresh_namespace() + "names";
    SESSIONPP_REQUIRE_STORE(open_mongo_store(mongo_test_options(collection_)), repo_);
  }
  void TearDown() override {
    repo_.reset();
    drop_mongo_collection(collection_);
  }

  // The field names of the stored attrs subdocument of `handle`, read with libmongoc directly.
  std::vector<std::string> stored_attribute_fields(const std::string& handle) {
    std::vector<std::string> fields;
    mongoc_client_t* client = mongoc_client_new(mongo_test_uri().c_str());
    mongoc_uri_t* uri = mongoc_uri_new(mongo_test_uri().c_str());
    mongoc_collection_t* coll =
        mongoc_client_get_collection(client, mongoc_uri_get_database(uri), collection_.c_str());
    bson_t* filter = BCON_NEW("_id", BCON_UTF8(handle.c_str()));
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll, filter, nullptr, nullptr);
    const bson_t* doc = nullptr;
    if (mongoc_cursor_next(cursor, &doc)) {
      bson_iter_t it, attrs;
      if (bson_iter_init_find(&it, doc, "attrs") && bson_iter_recurse(&it, &attrs)) {
        while (bson_iter_next(&attrs)) {
          EXPECT_TRUE(BSON_ITER_HOLDS_BINARY(&attrs)) << bson_iter_key(&attrs);
          fields.emplace_back(bson_iter_key(&attrs), bson_iter_key_len(&attrs));
        }
      }
    }
    mongoc_cursor_destroy(cursor);
    bson_destroy(filter);
    mongoc_collection_destroy(coll);
    mongoc_uri_destroy(uri);
    mongoc_client_destroy(client);
    std::sort(fields.begin(), fields.end());
    return fields;
  }

  std::string collection_;
  std::unique_ptr<SessionRepository> repo_;
};

TEST_F(MongoNamesTest, DotsDollarsAndNulRoundTripAndAreStoredEncoded) {
  const AttributeMap attrs = {
      {"a.b.c", "dots"},        {"$where", "dollar"}, {"nul\0inside"s, "nul"}, {"100%", "percent"},
      {"%2E", "looks escaped"}, {"mid$dle.", "both"}, {"plain", "plain"}};
  Session s = repo_->create();
  for (const auto& [name, value] : attrs) ASSERT_TRUE(s.set_attribute(name, value).ok()) << name;
  ASSERT_TRUE(repo_->save(s).ok());

  auto found = repo_->find(s.id()->str());
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->attributes(), attrs);

  EXPECT_EQ(stored_attribute_fields(s.handle()),
            (std::vector<std::string>{"%24where", "%252E", "100%25", "a%2Eb%2Ec", "mid%24dle%2E",
                                      "nul%00inside", "plain"}));
}

TEST_F(MongoNamesTest, DeltaSavesAddressEncodedNamesExactly) {
  Session s = repo_->create();
  ASSERT_TRUE(s.set_attribute("a.b", "1").ok());
  ASSERT_TRUE(s.set_attribute("a", "keep").ok());
  ASSERT_TRUE(s.set_attribute("$x", "drop me").ok());
  ASSERT_TRUE(repo_->save(s).ok());

  auto loaded = repo_->find(s.id()->str());
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  Session copy = std::move(**loaded);
  ASSERT_TRUE(copy.set_attribute("a.b", "2").ok());  // must not touch "a" nor make "a" a document
  EXPECT_TRUE(copy.remove_attribute("$x"));
  ASSERT_TRUE(copy.set_attribute("n\0"s, "new").ok());
  ASSERT_TRUE(repo_->save(copy).ok());

  auto after = repo_->find(s.id()->str());
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->attributes(), (AttributeMap{{"a", "keep"}, {"a.b", "2"}, {"n\0"s, "new"}}));
}

}  // namespace
}  // namespace sessionpp::testing
