#include "sessionpp/memory_store.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

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

// Random operations against a model, on 2 shards so that tables grow, fill with tombstones, are
// rebuilt and shrink many times over: every find, listing, count and purge must agree with the
// model. Records are rewritten in place (same value lengths) and as new blocks (other lengths).
TEST(MemoryStoreTest, RandomOperationsAgreeWithAModel) {
  struct Expected {
    std::string principal;
    std::map<std::string, std::string> attributes;
  };
  auto clock = std::make_shared<ManualClock>();
  auto opened =
      open_memory_store({.policy = {.max_inactive = std::chrono::hours(1), .clock = clock},
                         .shards = 2,
                         .sweep_interval = {}});
  ASSERT_TRUE(opened.ok());
  SessionRepository& repo = **opened;
  std::mt19937_64 rng(42);
  auto below = [&](std::uint64_t n) { return static_cast<std::size_t>(rng() % n); };
  auto user = [&] { return "p" + std::to_string(below(20)); };
  std::map<std::string, Expected> model;  // raw id -> what the store must hold
  std::vector<std::string> ids;           // every id ever issued, live or not
  for (int step = 0; step < 100'000; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const std::size_t op = below(100);
    if (ids.size() < 50 || op < 25) {  // create
      Session s = repo.create();
      Expected e;
      e.principal = below(3) == 0 ? user() : "";
      s.set_principal(e.principal);
      for (std::size_t i = below(4); i > 0; --i) {
        const std::string name = "a" + std::to_string(below(6));
        const std::string value(below(20), static_cast<char>('x' + i));
        ASSERT_TRUE(s.set_attribute(name, value).ok());
        e.attributes[name] = value;
      }
      ASSERT_TRUE(repo.save(s).ok());
      ids.push_back(s.id()->str());
      model[ids.back()] = e;
    } else if (op < 55) {  // find, compare, change, save
      const std::string& id = ids[below(ids.size())];
      auto found = repo.find(id);
      ASSERT_TRUE(found.ok());
      const auto it = model.find(id);
      if (it == model.end()) {
        ASSERT_FALSE(found->has_value());
        continue;
      }
      ASSERT_TRUE(found->has_value());
      Session& s = **found;
      Expected& e = it->second;
      ASSERT_EQ(s.principal(), e.principal);
      ASSERT_EQ(s.attributes().size(), e.attributes.size());
      for (const auto& [name, value] : e.attributes) {
        ASSERT_NE(s.attribute(name), nullptr) << name;
        ASSERT_EQ(*s.attribute(name), value) << name;
      }
      const std::size_t change = below(5);
      if (change == 0) {
        const std::string name = "a" + std::to_string(below(6));
        s.remove_attribute(name);
        e.attributes.erase(name);
      } else if (change == 1) {
        const std::string name = "a" + std::to_string(below(6));
        const std::string value(below(20), 'q');
        ASSERT_TRUE(s.set_attribute(name, value).ok());
        e.attributes[name] = value;
      } else if (change == 2 && !e.attributes.empty()) {  // same length: rewritten in place
        auto first = e.attributes.begin();
        first->second = std::string(first->second.size(), static_cast<char>('z' - below(3)));
        ASSERT_TRUE(s.set_attribute(first->first, first->second).ok());
      } else if (change == 3) {
        e.principal = below(2) == 0 ? user() : "";
        s.set_principal(e.principal);
      }
      ASSERT_TRUE(repo.save(s).ok());
    } else if (op < 70) {  // remove
      const std::string& id = ids[below(ids.size())];
      auto found = repo.find(id);
      ASSERT_TRUE(found.ok());
      if (!found->has_value()) continue;
      auto removed = repo.remove(**found);
      ASSERT_TRUE(removed.ok());
      ASSERT_TRUE(*removed);
      model.erase(id);
    } else if (op < 80) {  // change the id
      std::string& id = ids[below(ids.size())];
      auto found = repo.find(id);
      ASSERT_TRUE(found.ok());
      if (!found->has_value()) continue;
      ASSERT_TRUE(repo.change_id(**found).ok());
      Expected e = model[id];
      model.erase(id);
      id = (**found).id()->str();
      model[id] = e;
    } else if (op < 85) {  // list a user's sessions
      const std::string p = user();
      auto listed = repo.find_by_principal(p);
      ASSERT_TRUE(listed.ok());
      std::size_t n = 0;
      for (const auto& [id, e] : model) n += e.principal == p ? 1 : 0;
      ASSERT_EQ(listed->size(), n) << p;
    } else if (op < 87) {  // sign a user out everywhere
      const std::string p = user();
      auto removed = repo.remove_by_principal(p);
      ASSERT_TRUE(removed.ok());
      std::size_t n =
          std::erase_if(model, [&](const auto& kv) { return kv.second.principal == p; });
      ASSERT_EQ(*removed, n) << p;
    } else if (op < 88) {
      ASSERT_EQ(*repo.count(), model.size());
    } else if (op < 89 && step % 50 == 0) {  // everything expires and is purged in small batches
      clock->advance(std::chrono::hours(2));
      std::size_t purged = 0;
      for (;;) {
        auto batch = repo.purge_expired(7);
        ASSERT_TRUE(batch.ok());
        if (*batch == 0) break;
        purged += *batch;
      }
      ASSERT_EQ(purged, model.size());
      model.clear();
      ASSERT_EQ(*repo.count(), 0u);
    }
  }
  EXPECT_EQ(*repo.count(), model.size());
}

}  // namespace
}  // namespace sessionpp
