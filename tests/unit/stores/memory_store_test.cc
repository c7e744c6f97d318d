#include "sessionpp/memory_store.h"

#include <gtest/gtest.h>

#include <thread>

namespace sessionpp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class CountingListener : public SessionEventListener {
 public:
  void on_expired(std::string_view) override { ++expired; }
  std::atomic<int> expired{0};
};

TEST(MemoryStoreTest, SweeperDeletesExpiredSessionsInTheBackground) {
  auto clock = std::make_shared<ManualClock>();
  auto repo = open_memory_store(
      {.policy = {.max_inactive = seconds(1), .clock = clock}, .sweep_interval = milliseconds(5)});
  ASSERT_TRUE(repo.ok());
  auto listener = std::make_shared<CountingListener>();
  (*repo)->add_listener(listener);
  for (int i = 0; i < 10; ++i) {
    Session s = (*repo)->create();
    ASSERT_TRUE((*repo)->save(s).ok());
  }
  clock->advance(seconds(2));
  for (int i = 0; i < 400 && listener->expired.load() < 10; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(listener->expired.load(), 10);
  EXPECT_EQ(*(*repo)->purge_expired(), 0u);
}

TEST(MemoryStoreTest, DestroyingTheStoreStopsTheSweeperPromptly) {
  const auto start = std::chrono::steady_clock::now();
  {
    auto repo = open_memory_store({.sweep_interval = std::chrono::hours(1)});
    ASSERT_TRUE(repo.ok());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(2));
}

TEST(MemoryStoreTest, RefusesBadOptionsNamingThem) {
  auto r = open_memory_store({.shards = 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("shards"), std::string::npos);
  auto s = open_memory_store({.sweep_interval = milliseconds(-1)});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("sweep_interval"), std::string::npos);
}

TEST(MemoryStoreTest, MemoryStaysFlatWhenSessionsAreRemoved) {
  auto repo = open_memory_store({.sweep_interval = {}});
  ASSERT_TRUE(repo.ok());
  for (int i = 0; i < 1000; ++i) {
    Session s = (*repo)->create();
    s.set_principal("u" + std::to_string(i % 10));
    ASSERT_TRUE((*repo)->save(s).ok());
    ASSERT_TRUE(*(*repo)->remove(s));
  }
  EXPECT_EQ(*(*repo)->count(), 0u);
  EXPECT_TRUE((*repo)->find_by_principal("u1")->empty());
}

}  // namespace
}  // namespace sessionpp
