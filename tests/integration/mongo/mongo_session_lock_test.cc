// Saves of one session from several store objects (as from several processes or nodes): against
// a server whose updates are not atomic (FerretDB v1) the lock document keeps concurrent saves of
// different attributes from losing each other; a lapsed lock of a dead holder is taken over; a
// live one makes a save wait and then fail with kTimeout, never write unprotected.
#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

using namespace std::chrono_literals;

class MongoSessionLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    collection_ = fresh_namespace() + "lock";
    SESSIONPP_REQUIRE_STORE(open(), node_a_);
    SESSIONPP_REQUIRE_STORE(open(), node_b_);
  }
  void TearDown() override {
    node_a_.reset();
    node_b_.reset();
    drop_mongo_collection(collection_);
  }
  Result<std::unique_ptr<SessionRepository>> open() {
    MongoOptions o = mongo_test_options(collection_);
    o.socket_timeout = 1s;
    o.update_locking = MongoUpdateLocking::kLockDocument;
    return open_mongo_store(o);
  }

  // Writes a lock document for `handle` directly, as a holder would.
  void plant_lock(const std::string& handle, std::chrono::system_clock::time_point until) {
    mongoc_uri_t* uri = mongoc_uri_new(mongo_test_uri().c_str());
    mongoc_client_t* client = mongoc_client_new_from_uri(uri);
    mongoc_collection_t* locks = mongoc_client_get_collection(client, mongoc_uri_get_database(uri),
                                                              (collection_ + "_locks").c_str());
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(until.time_since_epoch()).count();
    bson_t* doc = BCON_NEW("_id", BCON_UTF8(handle.c_str()), "until", BCON_DATE_TIME(ms));
    bson_error_t err;
    EXPECT_TRUE(mongoc_collection_insert_one(locks, doc, nullptr, nullptr, &err)) << err.message;
    bson_destroy(doc);
    mongoc_collection_destroy(locks);
    mongoc_client_destroy(client);
    mongoc_uri_destroy(uri);
  }

  std::string collection_;
  std::unique_ptr<SessionRepository> node_a_;
  std::unique_ptr<SessionRepository> node_b_;
};

TEST_F(MongoSessionLockTest, TwoNodesWritingDisjointAttributesLoseNothing) {
  Session s = node_a_->create();
  ASSERT_TRUE(node_a_->save(s).ok());
  const std::string id = s.id()->str();
  constexpr int kThreadsPerNode = 3;
  constexpr int kWrites = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerNode; ++t) {
    SessionRepository* node = t % 2 == 0 ? node_a_.get() : node_b_.get();
    threads.emplace_back([&, node, t] {
      for (int i = 0; i < kWrites; ++i) {
        auto found = node->find(id);
        if (!found || !found->has_value()) {
          failures.fetch_add(1);
          continue;
        }
        Session copy = std::move(**found);
        if (!copy.set_int("t" + std::to_string(t), i) || !node->save(copy)) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  auto after = node_b_->find(id);
  ASSERT_TRUE(after.ok() && after->has_value());
  for (int t = 0; t < 2 * kThreadsPerNode; ++t) {
    EXPECT_EQ((*after)->get_int("t" + std::to_string(t)), kWrites - 1) << "writer " << t;
  }
}

TEST_F(MongoSessionLockTest, LapsedLockOfADeadHolderIsTakenOver) {
  Session s = node_a_->create();
  ASSERT_TRUE(node_a_->save(s).ok());
  plant_lock(s.handle(), std::chrono::system_clock::now() - 1s);
  auto loaded = node_a_->find(s.id()->str());
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  ASSERT_TRUE((*loaded)->set_attribute("after", "takeover").ok());
  auto saved = node_a_->save(**loaded);
  ASSERT_TRUE(saved.ok()) << saved.error().to_string();
}

TEST_F(MongoSessionLockTest, LiveLockMakesASaveTimeOutWithoutWriting) {
  Session s = node_a_->create();
  ASSERT_TRUE(node_a_->save(s).ok());
  plant_lock(s.handle(), std::chrono::system_clock::now() + 1min);
  auto loaded = node_b_->find(s.id()->str());
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  ASSERT_TRUE((*loaded)->set_attribute("blocked", "yes").ok());
  const auto started = std::chrono::steady_clock::now();
  auto saved = node_b_->save(**loaded);
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.error().code, Errc::kTimeout) << saved.error().to_string();
  EXPECT_NE(saved.error().message.find(s.handle().substr(0, 12)), std::string::npos)
      << saved.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  auto after = node_a_->find(s.id()->str());
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->attribute("blocked"), nullptr);
}

}  // namespace
}  // namespace sessionpp::testing
