// The shared logic of SessionRepository, checked against a recording store: which calls reach a
// store at all. (The stores themselves are tested against real servers by the contract suite.)
#include "sessionpp/repository.h"

#include <gtest/gtest.h>

#include <map>

namespace sessionpp {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class RecordingStore final : public SessionRepository {
 public:
  explicit RecordingStore(SessionPolicy p) : SessionRepository(std::move(p)) {}
  std::string_view kind() const noexcept override { return "recording"; }
  std::vector<std::string> calls;
  std::map<std::string, SessionData, std::less<>> rows;

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view h, Timestamp) override {
    calls.push_back("load");
    auto it = rows.find(h);
    if (it == rows.end()) return std::optional<SessionData>();
    return std::optional<SessionData>(it->second);
  }
  Result<void> do_insert(std::string_view h, const SessionData& d) override {
    calls.push_back("insert");
    rows[std::string(h)] = d;
    return {};
  }
  Result<void> do_update(std::string_view h, const SessionUpdate& u, Timestamp) override {
    calls.push_back("update set=" + std::to_string(u.set.size()) + " removed=" +
                    std::to_string(u.removed.size()) + (u.metadata ? " metadata" : ""));
    auto it = rows.find(h);
    if (it == rows.end()) return make_error(Errc::kGone, "gone");
    it->second.last_accessed = std::max(it->second.last_accessed, u.last_accessed);
    return {};
  }
  Result<bool> do_remove(std::string_view) override {
    calls.push_back("remove");
    return true;
  }
  Result<void> do_change_handle(std::string_view, std::string_view, Timestamp) override {
    calls.push_back("change");
    return {};
  }
  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view, Timestamp) override {
    calls.push_back("by_principal");
    return std::vector<SessionSummary>{};
  }
  Result<std::vector<std::string>> do_remove_by_principal(std::string_view,
                                                          std::optional<std::string_view>,
                                                          Timestamp) override {
    calls.push_back("remove_by_principal");
    return std::vector<std::string>{};
  }
  Result<std::vector<std::string>> do_purge_expired(Timestamp, std::size_t) override {
    return std::vector<std::string>{};
  }
  Result<std::size_t> do_count(Timestamp) override { return rows.size(); }
  Result<void> do_ping() override { return {}; }
};

class RepositoryTest : public ::testing::Test {
 protected:
  RepositoryTest() : store_(SessionPolicy{.clock = clock_}) {}
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  RecordingStore store_;
};

TEST_F(RepositoryTest, MalformedIdsNeverReachTheStore) {
  for (const char* id : {"", "short", "not-an-id-but-quite-long-enough-to-look-like", "=====",
                         "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"}) {
    auto r = store_.find(id);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
  }
  EXPECT_TRUE(store_.find_by_handle("XYZ")->has_value() == false);
  EXPECT_FALSE(*store_.remove_by_handle("nope"));
  EXPECT_TRUE(store_.find_by_principal("")->empty());
  EXPECT_EQ(*store_.remove_by_principal(""), 0u);
  EXPECT_TRUE(store_.calls.empty());
}

TEST_F(RepositoryTest, ReadWithinTouchIntervalMakesNoStoreCall) {
  Session s = store_.create();
  ASSERT_TRUE(store_.save(s).ok());
  clock_->advance(seconds(30));
  auto found = store_.find(s.id()->str());
  ASSERT_TRUE(found.ok() && found->has_value());
  store_.calls.clear();
  ASSERT_TRUE(store_.save(**found).ok());
  EXPECT_TRUE(store_.calls.empty());

  clock_->advance(seconds(30));  // stored access is now 60 s old
  auto again = store_.find(s.id()->str());
  ASSERT_TRUE(again.ok() && again->has_value());
  store_.calls.clear();
  ASSERT_TRUE(store_.save(**again).ok());
  EXPECT_EQ(store_.calls, std::vector<std::string>{"update set=0 removed=0"});
}

TEST_F(RepositoryTest, SaveSendsOnlyTheDelta) {
  Session s = store_.create();
  ASSERT_TRUE(s.set_attribute("a", "1").ok());
  ASSERT_TRUE(s.set_attribute("b", "1").ok());
  ASSERT_TRUE(store_.save(s).ok());
  ASSERT_TRUE(s.set_attribute("a", "2").ok());
  ASSERT_TRUE(s.remove_attribute("b"));
  store_.calls.clear();
  ASSERT_TRUE(store_.save(s).ok());
  s.set_principal("alice");
  ASSERT_TRUE(store_.save(s).ok());
  EXPECT_EQ(store_.calls, (std::vector<std::string>{"update set=1 removed=1",
                                                    "update set=0 removed=0 metadata"}));
}

TEST_F(RepositoryTest, FailedSaveKeepsTheDeltaForARetry) {
  Session s = store_.create();
  ASSERT_TRUE(store_.save(s).ok());
  store_.rows.clear();
  ASSERT_TRUE(s.set_attribute("a", "1").ok());
  auto r = store_.save(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  EXPECT_EQ(s.changed_names().size(), 1u);
}

TEST(TouchIntervalTest, ATenthOfTheTimeoutAtMostAMinute) {
  SessionPolicy p;
  EXPECT_EQ(touch_interval_for(p, minutes(30)), seconds(60));
  EXPECT_EQ(touch_interval_for(p, seconds(100)), seconds(10));
  EXPECT_EQ(touch_interval_for(p, std::chrono::milliseconds(-1)), seconds(60));
  p.touch_interval = seconds(5);
  EXPECT_EQ(touch_interval_for(p, minutes(30)), seconds(5));
}

}  // namespace
}  // namespace sessionpp
