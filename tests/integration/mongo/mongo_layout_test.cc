// The stored document as DESIGN.md describes it, read back with libmongoc directly, and purging
// in batches smaller than the limit.
#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include <chrono>
#include <memory>
#include <string>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

using namespace std::chrono_literals;

class MongoLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    collection_ = fresh_namespace() + "layout";
    clock_ = std::make_shared<ManualClock>(SystemClock().now());
    MongoOptions o = mongo_test_options(collection_);
    o.policy.clock = clock_;
    o.purge_batch = 3;
    SESSIONPP_REQUIRE_STORE(open_mongo_store(o), repo_);
  }
  void TearDown() override {
    repo_.reset();
    drop_mongo_collection(collection_);
  }

  // The stored document of `handle` as relaxed extended JSON, or "" when there is none.
  std::string raw(const std::string& handle) {
    std::string json;
    mongoc_uri_t* uri = mongoc_uri_new(mongo_test_uri().c_str());
    mongoc_client_t* client = mongoc_client_new_from_uri(uri);
    mongoc_collection_t* coll =
        mongoc_client_get_collection(client, mongoc_uri_get_database(uri), collection_.c_str());
    bson_t* filter = BCON_NEW("_id", BCON_UTF8(handle.c_str()));
    mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll, filter, nullptr, nullptr);
    const bson_t* doc = nullptr;
    if (mongoc_cursor_next(cursor, &doc)) {
      bson_iter_t it;
      EXPECT_TRUE(bson_iter_init_find(&it, doc, "lastAccessed") && BSON_ITER_HOLDS_DATE_TIME(&it));
      EXPECT_TRUE(bson_iter_init_find(&it, doc, "created") && BSON_ITER_HOLDS_DATE_TIME(&it));
      EXPECT_TRUE(bson_iter_init_find(&it, doc, "maxInactive") && BSON_ITER_HOLDS_INT64(&it));
      if (bson_iter_init_find(&it, doc, "expireAt")) {
        EXPECT_TRUE(BSON_ITER_HOLDS_DATE_TIME(&it));
        expire_at_ = bson_iter_date_time(&it);
      } else {
        expire_at_.reset();
      }
      char* s = bson_as_relaxed_extended_json(doc, nullptr);
      json = s;
      bson_free(s);
    }
    mongoc_cursor_destroy(cursor);
    bson_destroy(filter);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    mongoc_uri_destroy(uri);
    return json;
  }

  std::string collection_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<SessionRepository> repo_;
  std::optional<std::int64_t> expire_at_;
};

TEST_F(MongoLayoutTest, OneDocumentPerSessionKeyedByHandleWithExpireAt) {
  Session s = repo_->create();
  s.set_principal("alice");
  ASSERT_TRUE(s.set_attribute("cart", "3").ok());
  ASSERT_TRUE(repo_->save(s).ok());
  const std::string json = raw(s.handle());
  ASSERT_FALSE(json.empty());
  EXPECT_NE(json.find("\"_id\" : \"" + s.handle() + "\""), std::string::npos) << json;
  EXPECT_EQ(json.find(s.id()->str()), std::string::npos) << "the raw id is stored: " << json;
  EXPECT_NE(json.find("\"principal\" : \"alice\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"attrs\" : { \"cart\" : { \"$binary\""), std::string::npos) << json;
  EXPECT_EQ(expire_at_, to_epoch_ms(s.last_accessed() + 30min));

  // A touch after the interval moves expireAt with lastAccessed, in the same update.
  clock_->advance(2min);
  auto found = repo_->find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  ASSERT_TRUE(repo_->save(**found).ok());
  (void)raw(s.handle());
  EXPECT_EQ(expire_at_, to_epoch_ms(clock_->now() + 30min));

  // Never expiring: no expireAt at all (a TTL index ignores the document).
  (*found)->set_max_inactive(-1ms);
  ASSERT_TRUE(repo_->save(**found).ok());
  (void)raw(s.handle());
  EXPECT_FALSE(expire_at_.has_value());
  (*found)->set_principal("");
  ASSERT_TRUE(repo_->save(**found).ok());
  EXPECT_EQ(raw(s.handle()).find("principal"), std::string::npos);
}

TEST_F(MongoLayoutTest, PurgeWorksInBatchesUpToTheLimit) {
  for (int i = 0; i < 10; ++i) {
    Session s = repo_->create();
    s.set_max_inactive(1s);
    ASSERT_TRUE(repo_->save(s).ok());
  }
  Session keeper = repo_->create();
  ASSERT_TRUE(repo_->save(keeper).ok());
  clock_->advance(2s);
  auto first = repo_->purge_expired(7);  // batches of 3: 3 + 3 + 1
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(*first, 7u);
  auto rest = repo_->purge_expired(100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, 3u);
  auto count = repo_->count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1u);
  EXPECT_FALSE(raw(keeper.handle()).empty());
}

}  // namespace
}  // namespace sessionpp::testing
