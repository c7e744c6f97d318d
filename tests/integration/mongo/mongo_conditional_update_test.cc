// The path MongoDB users get: no process lock (MongoUpdateLocking::kNone), every save one
// conditional update whose filter requires the session to be live at the injected clock's now
// and unchanged in last access, timeout and deadline. Run sequentially against the test server
// (FerretDB v1 applies updates non-atomically, so concurrency is the contract suite's business,
// with the default kAuto).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {
namespace {

using namespace std::chrono_literals;

class MongoConditionalUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    collection_ = fresh_namespace() + "cond";
    clock_ = std::make_shared<ManualClock>(SystemClock().now());
    SESSIONPP_REQUIRE_STORE(open(), repo_);
  }
  void TearDown() override {
    repo_.reset();
    drop_mongo_collection(collection_);
  }
  Result<std::unique_ptr<SessionRepository>> open() {
    MongoOptions o = mongo_test_options(collection_);
    o.policy.clock = clock_;
    o.update_locking = MongoUpdateLocking::kNone;
    return open_mongo_store(o);
  }
  Session load(const Session& s) {
    auto found = repo_->find(s.id()->str());
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? std::move(**found) : repo_->create();
  }

  std::string collection_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<SessionRepository> repo_;
};

TEST_F(MongoConditionalUpdateTest, DeltaSavesMergeAndGoneSessionsStayGone) {
  Session s = repo_->create();
  s.set_principal("p");
  ASSERT_TRUE(s.set_attribute("a", "1").ok());
  ASSERT_TRUE(s.set_attribute("b", "1").ok());
  ASSERT_TRUE(repo_->save(s).ok());
  Session one = load(s);
  Session two = load(s);
  ASSERT_TRUE(one.set_attribute("a", "2").ok());
  EXPECT_TRUE(two.remove_attribute("b"));
  ASSERT_TRUE(repo_->save(one).ok());
  ASSERT_TRUE(repo_->save(two).ok());
  EXPECT_EQ(load(s).attributes(), (AttributeMap{{"a", "2"}}));

  Session late = load(s);
  auto removed = repo_->remove(s);
  ASSERT_TRUE(removed.ok() && *removed);
  ASSERT_TRUE(late.set_attribute("x", "y").ok());
  auto r = repo_->save(late);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  auto count = repo_->count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0u) << "a save recreated a removed session";
}

TEST_F(MongoConditionalUpdateTest, ExpiryFollowsTheInjectedClockAndTheLaterAccess) {
  Session s = repo_->create();
  ASSERT_TRUE(repo_->save(s).ok());
  clock_->advance(70s);
  Session early = load(s);
  clock_->advance(70s);
  Session late = load(s);
  ASSERT_TRUE(repo_->save(late).ok());
  ASSERT_TRUE(early.set_attribute("slow", "request").ok());
  ASSERT_TRUE(repo_->save(early).ok());  // retried against the newer last access
  clock_->advance(30min - 1ms);
  auto alive = repo_->find(s.id()->str());
  ASSERT_TRUE(alive.ok() && alive->has_value()) << "an older last access overwrote a newer one";
  EXPECT_EQ(*(*alive)->attribute("slow"), "request");
  clock_->advance(1ms);
  Session stale = std::move(**alive);
  ASSERT_TRUE(stale.set_attribute("after", "expiry").ok());
  auto r = repo_->save(stale);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
}

TEST_F(MongoConditionalUpdateTest, MetadataChangesAndRotation) {
  Session s = repo_->create();
  ASSERT_TRUE(s.set_attribute("cart", "3").ok());
  ASSERT_TRUE(repo_->save(s).ok());
  Session loaded = load(s);
  loaded.set_principal("dave");
  loaded.set_max_inactive(5s);
  ASSERT_TRUE(repo_->change_id(loaded).ok());
  ASSERT_TRUE(repo_->save(loaded).ok());
  auto old = repo_->find(s.id()->str());
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->has_value());
  auto listed = repo_->find_by_principal("dave");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].handle, loaded.handle());
  EXPECT_EQ(*load(loaded).attribute("cart"), "3");
  clock_->advance(5s);
  auto expired = repo_->find(loaded.id()->str());
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->has_value());
}

}  // namespace
}  // namespace sessionpp::testing
