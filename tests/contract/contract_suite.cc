#include "contract/contract_suite.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string_view>
#include <thread>
#include <vector>

namespace sessionpp::testing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

#define ASSERT_OK(expr)                                              \
  do {                                                               \
    auto&& r_ = (expr);                                              \
    ASSERT_TRUE(r_.ok()) << #expr << ": " << r_.error().to_string(); \
  } while (0)

// The value of a Result, failing the test (and returning from it) on error.
#define ASSIGN_OR_FAIL(lhs, expr)                                                      \
  auto lhs##_result = (expr);                                                          \
  ASSERT_TRUE(lhs##_result.ok()) << #expr << ": " << lhs##_result.error().to_string(); \
  auto lhs = std::move(*lhs##_result)

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

class RecordingListener : public SessionEventListener {
 public:
  void on_created(std::string_view h) override { add("created " + std::string(h)); }
  void on_deleted(std::string_view h) override { add("deleted " + std::string(h)); }
  void on_expired(std::string_view h) override { add("expired " + std::string(h)); }
  void on_id_changed(std::string_view a, std::string_view b) override {
    add("changed " + std::string(a) + " " + std::string(b));
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  void add(std::string e) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  std::mutex mu_;
  std::vector<std::string> events_;
};

}  // namespace

void StoreContractTest::SetUp() {
  if (sodium_init() < 0) FAIL() << "libsodium failed to initialize";
  // Start at the real time: stores that hand expiry to their server (Redis PEXPIREAT, MongoDB TTL)
  // then agree with the injected clock until a test moves it forward.
  clock_ = std::make_shared<ManualClock>(SystemClock().now());
  ns_ = fresh_namespace();
  SessionPolicy policy;
  policy.clock = clock_;
  SESSIONPP_REQUIRE_STORE(GetParam().open(policy, ns_), repo_);
}

void StoreContractTest::TearDown() {
  repo_.reset();
  if (GetParam().cleanup && !ns_.empty()) GetParam().cleanup(ns_);
}

std::unique_ptr<SessionRepository> StoreContractTest::open_with(SessionPolicy policy) {
  if (!policy.clock) policy.clock = clock_;
  auto r = GetParam().open(policy, ns_);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? std::move(*r) : nullptr;
}

Session StoreContractTest::save_new(SessionRepository& repo, const std::string& principal) {
  Session s = repo.create();
  s.set_principal(principal);
  auto r = repo.save(s);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return s;
}

// --- round trip -------------------------------------------------------------------------------

TEST_P(StoreContractTest, RoundTripsMetadataAndAttributes) {
  Session s = repo_->create();
  EXPECT_TRUE(s.is_new());
  s.set_principal("alice@example.com");
  const std::string big(kDefaultMaxValueBytes, 'x');
  const std::string nul_name("nul\0inside", 10);
  ASSERT_OK(s.set_attribute("binary", all_bytes()));
  ASSERT_OK(s.set_attribute("empty", ""));
  ASSERT_OK(s.set_attribute("big", big));
  ASSERT_OK(s.set_attribute("名前", "値"));
  ASSERT_OK(s.set_attribute("a.b.c", "dots"));
  ASSERT_OK(s.set_attribute("$leading", "dollar"));
  ASSERT_OK(s.set_attribute(nul_name, "nul"));
  ASSERT_OK(s.set_attribute(std::string(kMaxAttributeNameBytes, 'n'), "longest name"));
  ASSERT_OK(s.set_int("counter", -42));
  ASSERT_OK(repo_->save(s));
  EXPECT_FALSE(s.is_new());

  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->is_new());
  EXPECT_EQ(found->handle(), s.handle());
  EXPECT_EQ(found->id(), s.id());
  EXPECT_EQ(found->created(), s.created());
  EXPECT_EQ(found->last_accessed(), s.last_accessed());
  EXPECT_EQ(found->max_inactive(), minutes(30));
  EXPECT_EQ(found->principal(), "alice@example.com");
  EXPECT_EQ(found->attributes(), s.attributes());
  EXPECT_EQ(*found->attribute("binary"), all_bytes());
  EXPECT_EQ(*found->attribute("empty"), "");
  EXPECT_EQ(found->attribute("big")->size(), big.size());
  EXPECT_EQ(*found->attribute(nul_name), "nul");
  EXPECT_EQ(found->get_int("counter"), -42);
  EXPECT_TRUE(found->changed_names().empty());

  ASSIGN_OR_FAIL(by_handle, repo_->find_by_handle(s.handle()));
  ASSERT_TRUE(by_handle.has_value());
  EXPECT_FALSE(by_handle->id().has_value());
  EXPECT_EQ(by_handle->attributes(), s.attributes());
}

TEST_P(StoreContractTest, RefusesOverLimitValuesAndBadNames) {
  Session s = repo_->create();
  auto over = s.set_attribute("v", std::string(kDefaultMaxValueBytes + 1, 'x'));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kInvalidArgument);
  EXPECT_NE(over.error().message.find("'v'"), std::string::npos) << over.error().message;
  for (const std::string& bad :
       {std::string(), std::string(kMaxAttributeNameBytes + 1, 'n'), std::string("\xff\xfe"),
        std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    auto r = s.set_attribute(bad, "x");
    ASSERT_FALSE(r.ok()) << "accepted name of " << bad.size() << " bytes";
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  EXPECT_TRUE(s.attributes().empty());

  // A repository with a smaller limit refuses at save what another session allowed.
  SessionPolicy small;
  small.max_value_bytes = 10;
  auto strict = open_with(small);
  ASSERT_NE(strict, nullptr);
  ASSERT_OK(s.set_attribute("v", std::string(11, 'x')));
  auto saved = strict->save(s);
  ASSERT_FALSE(saved.ok());
  EXPECT_EQ(saved.error().code, Errc::kInvalidArgument);
  ASSIGN_OR_FAIL(found, strict->find(s.id()->str()));
  EXPECT_FALSE(found.has_value());
}

// --- delta saves --------------------------------------------------------------------------------

TEST_P(StoreContractTest, TwoCopiesChangingDifferentAttributesBothSurvive) {
  Session s = repo_->create();
  ASSERT_OK(s.set_attribute("a", "1"));
  ASSERT_OK(s.set_attribute("b", "1"));
  ASSERT_OK(s.set_attribute("gone", "1"));
  ASSERT_OK(repo_->save(s));

  ASSIGN_OR_FAIL(one, repo_->find(s.id()->str()));
  ASSIGN_OR_FAIL(two, repo_->find(s.id()->str()));
  ASSERT_TRUE(one && two);
  ASSERT_OK(one->set_attribute("a", "2"));
  EXPECT_TRUE(one->remove_attribute("gone"));
  ASSERT_OK(two->set_attribute("b", "2"));
  ASSERT_OK(two->set_attribute("c", "new"));
  ASSERT_OK(repo_->save(*one));
  ASSERT_OK(repo_->save(*two));

  ASSIGN_OR_FAIL(after, repo_->find(s.id()->str()));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->attributes(), (AttributeMap{{"a", "2"}, {"b", "2"}, {"c", "new"}}));
}

TEST_P(StoreContractTest, ConcurrentWritersToDisjointAttributesLoseNothing) {
  Session s = save_new(*repo_, "writer");
  const std::string id = s.id()->str();
  constexpr int kThreads = 8;
  constexpr int kWrites = 200;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        auto found = repo_->find(id);
        auto fail = [&](const std::string& what) {
          if (failures.fetch_add(1) == 0) {
            std::lock_guard lock(error_mu);
            first_error = what;
          }
        };
        if (!found || !found->has_value()) {
          fail(found ? "session not found" : found.error().to_string());
          continue;
        }
        Session copy = std::move(**found);
        if (auto r = copy.set_int("t" + std::to_string(t), i); !r) fail(r.error().to_string());
        if (auto r = repo_->save(copy); !r) fail(r.error().to_string());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0) << first_error;
  ASSIGN_OR_FAIL(after, repo_->find(id));
  ASSERT_TRUE(after.has_value());
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(after->get_int("t" + std::to_string(t)), kWrites - 1) << "thread " << t;
  }
  EXPECT_EQ(after->principal(), "writer");
}

// --- no resurrection ----------------------------------------------------------------------------

TEST_P(StoreContractTest, SaveAfterRemoveIsGoneAndWritesNothing) {
  Session s = save_new(*repo_, "bob");
  ASSIGN_OR_FAIL(late, repo_->find(s.id()->str()));
  ASSERT_TRUE(late.has_value());
  ASSIGN_OR_FAIL(removed, repo_->remove(s));
  EXPECT_TRUE(removed);
  ASSERT_OK(late->set_attribute("cart", "full"));
  auto r = repo_->save(*late);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  EXPECT_FALSE(found.has_value());
  ASSIGN_OR_FAIL(listed, repo_->find_by_principal("bob"));
  EXPECT_TRUE(listed.empty());
  ASSIGN_OR_FAIL(again, repo_->remove(s));
  EXPECT_FALSE(again);
}

TEST_P(StoreContractTest, SaveAfterRemoveByPrincipalIsGone) {
  Session s = save_new(*repo_, "carol");
  ASSIGN_OR_FAIL(late, repo_->find(s.id()->str()));
  ASSERT_TRUE(late.has_value());
  ASSIGN_OR_FAIL(n, repo_->remove_by_principal("carol"));
  EXPECT_EQ(n, 1u);
  ASSERT_OK(late->set_attribute("x", "y"));
  auto r = repo_->save(*late);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  EXPECT_FALSE(found.has_value());
}

TEST_P(StoreContractTest, SaveAfterExpiryIsGone) {
  Session s = save_new(*repo_);
  ASSIGN_OR_FAIL(late, repo_->find(s.id()->str()));
  ASSERT_TRUE(late.has_value());
  clock_->advance(minutes(31));
  ASSERT_OK(late->set_attribute("x", "y"));
  auto r = repo_->save(*late);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  EXPECT_FALSE(found.has_value());
}

// --- expiry
// ---------------------------------------------------------------------------------------

TEST_P(StoreContractTest, NegativeTimeoutNeverExpires) {
  Session s = repo_->create();
  s.set_max_inactive(milliseconds(-1));
  ASSERT_OK(repo_->save(s));
  EXPECT_FALSE(s.expires_at().has_value());
  clock_->advance(hours(24 * 365 * 10));
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->max_inactive(), milliseconds(-1));
}

TEST_P(StoreContractTest, ZeroTimeoutIsAlreadyExpired) {
  Session s = repo_->create();
  s.set_max_inactive(milliseconds(0));
  EXPECT_TRUE(s.is_expired(clock_->now()));
  ASSERT_OK(repo_->save(s));
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  EXPECT_FALSE(found.has_value());
}

TEST_P(StoreContractTest, ExpiresExactlyAtTheBoundary) {
  Session s = repo_->create();
  s.set_max_inactive(seconds(10));
  ASSERT_OK(repo_->save(s));
  clock_->advance(milliseconds(9999));
  ASSIGN_OR_FAIL(before, repo_->find(s.id()->str()));  // read only: nothing saved
  EXPECT_TRUE(before.has_value());
  clock_->advance(milliseconds(1));
  ASSIGN_OR_FAIL(at, repo_->find(s.id()->str()));
  EXPECT_FALSE(at.has_value());
  ASSIGN_OR_FAIL(by_handle, repo_->find_by_handle(s.handle()));
  EXPECT_FALSE(by_handle.has_value());
}

TEST_P(StoreContractTest, SavedTouchSlidesTheExpiry) {
  Session s = repo_->create();
  s.set_max_inactive(seconds(100));  // touch interval: 10 s
  ASSERT_OK(repo_->save(s));
  for (int i = 0; i < 5; ++i) {
    clock_->advance(seconds(60));
    ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
    ASSERT_TRUE(found.has_value()) << "round " << i;
    ASSERT_OK(repo_->save(*found));
  }
  clock_->advance(seconds(99));
  ASSIGN_OR_FAIL(still, repo_->find(s.id()->str()));
  EXPECT_TRUE(still.has_value());
}

TEST_P(StoreContractTest, AbsoluteLifetimeCapsAnActiveSession) {
  SessionPolicy policy;
  policy.max_inactive = hours(1);
  policy.absolute_lifetime = seconds(5);
  auto repo = open_with(policy);
  ASSERT_NE(repo, nullptr);
  Session s = save_new(*repo);
  ASSERT_TRUE(s.absolute_deadline().has_value());
  clock_->advance(seconds(4));
  ASSIGN_OR_FAIL(active, repo->find(s.id()->str()));
  ASSERT_TRUE(active.has_value());
  EXPECT_EQ(active->absolute_deadline(), s.absolute_deadline());
  ASSERT_OK(active->set_attribute("busy", "yes"));
  ASSERT_OK(repo->save(*active));
  clock_->advance(seconds(1));
  ASSIGN_OR_FAIL(capped, repo->find(s.id()->str()));
  EXPECT_FALSE(capped.has_value());
}

TEST_P(StoreContractTest, ChangedTimeoutIsStored) {
  Session s = save_new(*repo_);
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  ASSERT_TRUE(found.has_value());
  found->set_max_inactive(seconds(5));
  ASSERT_OK(repo_->save(*found));
  ASSIGN_OR_FAIL(again, repo_->find(s.id()->str()));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->max_inactive(), seconds(5));
  clock_->advance(seconds(5));
  ASSIGN_OR_FAIL(expired, repo_->find(s.id()->str()));
  EXPECT_FALSE(expired.has_value());
}

// --- touch throttling ---------------------------------------------------------------------------

TEST_P(StoreContractTest, ReadWithinTouchIntervalWritesNothing) {
  Session s = save_new(*repo_);  // 30 min timeout: touch interval 60 s
  clock_->advance(seconds(59));
  ASSIGN_OR_FAIL(read, repo_->find(s.id()->str()));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->last_accessed(), clock_->now());  // touched in memory only
  ASSERT_OK(repo_->save(*read));
  // Had the save written, the session would live until +59 s + 30 min.
  clock_->advance(minutes(30) - seconds(59));
  ASSIGN_OR_FAIL(expired, repo_->find(s.id()->str()));
  EXPECT_FALSE(expired.has_value()) << "a throttled read extended the session";
}

TEST_P(StoreContractTest, ReadAfterTouchIntervalWritesLastAccess) {
  Session s = save_new(*repo_);
  clock_->advance(seconds(60));
  ASSIGN_OR_FAIL(read, repo_->find(s.id()->str()));
  ASSERT_TRUE(read.has_value());
  ASSERT_OK(repo_->save(*read));
  clock_->advance(minutes(30) - milliseconds(1));
  ASSIGN_OR_FAIL(alive, repo_->find(s.id()->str()));
  ASSERT_TRUE(alive.has_value()) << "the touch was not written";
  clock_->advance(milliseconds(1));
  ASSIGN_OR_FAIL(gone, repo_->find(s.id()->str()));
  EXPECT_FALSE(gone.has_value());
}

TEST_P(StoreContractTest, LastAccessNeverMovesBackwards) {
  Session s = save_new(*repo_);
  clock_->advance(seconds(70));
  ASSIGN_OR_FAIL(early, repo_->find(s.id()->str()));  // loaded at +70 s
  clock_->advance(seconds(70));
  ASSIGN_OR_FAIL(late, repo_->find(s.id()->str()));  // loaded at +140 s
  ASSERT_TRUE(early && late);
  ASSERT_OK(repo_->save(*late));
  ASSERT_OK(early->set_attribute("slow", "request"));
  ASSERT_OK(repo_->save(*early));
  // Expiry still follows the later access: alive 30 min after +140 s, less 1 ms.
  clock_->advance(minutes(30) - milliseconds(1));
  ASSIGN_OR_FAIL(alive, repo_->find(s.id()->str()));
  ASSERT_TRUE(alive.has_value()) << "an older last access overwrote a newer one";
  EXPECT_EQ(*alive->attribute("slow"), "request");
}

// --- id rotation --------------------------------------------------------------------------------

TEST_P(StoreContractTest, ChangeIdKeepsDataAndRetiresTheOldId) {
  auto listener = std::make_shared<RecordingListener>();
  repo_->add_listener(listener);
  Session s = repo_->create();
  s.set_principal("dave");
  ASSERT_OK(s.set_attribute("cart", "3 items"));
  ASSERT_OK(repo_->save(s));
  const std::string old_id = s.id()->str();
  const std::string old_handle = s.handle();

  ASSERT_OK(repo_->change_id(s));
  EXPECT_NE(s.id()->str(), old_id);
  EXPECT_NE(s.handle(), old_handle);
  EXPECT_EQ(s.handle(), handle_of(*s.id()));

  ASSIGN_OR_FAIL(old_found, repo_->find(old_id));
  EXPECT_FALSE(old_found.has_value());
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found->attribute("cart"), "3 items");
  EXPECT_EQ(found->principal(), "dave");
  EXPECT_EQ(found->created(), s.created());

  ASSERT_OK(found->set_attribute("after", "rotation"));
  ASSERT_OK(repo_->save(*found));
  ASSIGN_OR_FAIL(listed, repo_->find_by_principal("dave"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].handle, s.handle());

  const auto events = listener->events();
  EXPECT_NE(std::find(events.begin(), events.end(), "created " + old_handle), events.end());
  EXPECT_NE(std::find(events.begin(), events.end(), "changed " + old_handle + " " + s.handle()),
            events.end());
}

TEST_P(StoreContractTest, ChangeIdOfARemovedSessionIsGone) {
  Session s = save_new(*repo_, "erin");
  ASSIGN_OR_FAIL(removed, repo_->remove(s));
  ASSERT_TRUE(removed);
  auto r = repo_->change_id(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kGone);
  ASSIGN_OR_FAIL(listed, repo_->find_by_principal("erin"));
  EXPECT_TRUE(listed.empty());
}

TEST_P(StoreContractTest, ChangeIdOfANewSessionNeedsNoStore) {
  Session s = repo_->create();
  const std::string old_handle = s.handle();
  ASSERT_OK(repo_->change_id(s));
  EXPECT_NE(s.handle(), old_handle);
  ASSERT_OK(repo_->save(s));
  ASSIGN_OR_FAIL(found, repo_->find(s.id()->str()));
  EXPECT_TRUE(found.has_value());
}

// --- principal index ----------------------------------------------------------------------------

TEST_P(StoreContractTest, PrincipalIndexFollowsLoginLogoutRotationAndExpiry) {
  Session a1 = save_new(*repo_, "alice");
  clock_->advance(milliseconds(10));
  Session a2 = repo_->create();
  a2.set_principal("alice");
  a2.set_max_inactive(seconds(30));
  ASSERT_OK(repo_->save(a2));
  clock_->advance(milliseconds(10));
  Session a3 = save_new(*repo_, "alice");
  Session b1 = save_new(*repo_, "bob");

  ASSIGN_OR_FAIL(three, repo_->find_by_principal("alice"));
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].handle, a1.handle());  // oldest first
  EXPECT_EQ(three[1].handle, a2.handle());
  EXPECT_EQ(three[2].handle, a3.handle());
  EXPECT_EQ(three[0].principal, "alice");
  EXPECT_EQ(three[0].created, a1.created());
  EXPECT_EQ(three[0].expires_at, a1.expires_at());

  // Login of an anonymous session: the principal is set on an existing record.
  clock_->advance(milliseconds(10));
  Session anon = save_new(*repo_);
  ASSIGN_OR_FAIL(loaded, repo_->find(anon.id()->str()));
  ASSERT_TRUE(loaded.has_value());
  loaded->set_principal("alice");
  ASSERT_OK(repo_->change_id(*loaded));
  ASSERT_OK(repo_->save(*loaded));
  ASSIGN_OR_FAIL(four, repo_->find_by_principal("alice"));
  ASSERT_EQ(four.size(), 4u);
  EXPECT_EQ(four[3].handle, loaded->handle());

  // Logout.
  ASSIGN_OR_FAIL(removed, repo_->remove(a3));
  ASSERT_TRUE(removed);
  // Rotation.
  ASSERT_OK(repo_->change_id(a1));
  // Expiry of a2 (30 s timeout).
  clock_->advance(seconds(31));

  ASSIGN_OR_FAIL(after, repo_->find_by_principal("alice"));
  std::vector<std::string> handles;
  for (const auto& x : after) handles.push_back(x.handle);
  EXPECT_EQ(handles, (std::vector<std::string>{a1.handle(), loaded->handle()}));

  // A principal change moves the session between users.
  ASSIGN_OR_FAIL(moved, repo_->find(loaded->id()->str()));
  ASSERT_TRUE(moved.has_value());
  moved->set_principal("bob");
  ASSERT_OK(repo_->save(*moved));
  ASSIGN_OR_FAIL(alice_now, repo_->find_by_principal("alice"));
  ASSERT_EQ(alice_now.size(), 1u);
  EXPECT_EQ(alice_now[0].handle, a1.handle());
  ASSIGN_OR_FAIL(bob_now, repo_->find_by_principal("bob"));
  ASSERT_EQ(bob_now.size(), 2u);

  // Sign bob out everywhere but one session.
  ASSIGN_OR_FAIL(n, repo_->remove_by_principal("bob", b1.handle()));
  EXPECT_EQ(n, 1u);
  ASSIGN_OR_FAIL(bob_left, repo_->find_by_principal("bob"));
  ASSERT_EQ(bob_left.size(), 1u);
  EXPECT_EQ(bob_left[0].handle, b1.handle());
  ASSIGN_OR_FAIL(alice_left, repo_->find_by_principal("alice"));
  EXPECT_EQ(alice_left.size(), 1u);
  ASSIGN_OR_FAIL(nobody, repo_->find_by_principal("nobody"));
  EXPECT_TRUE(nobody.empty());
}

// --- cleanup, count, events ---------------------------------------------------------------------

TEST_P(StoreContractTest, PurgeExpiredRemovesOnlyExpiredSessions) {
  auto listener = std::make_shared<RecordingListener>();
  repo_->add_listener(listener);
  std::vector<Session> short_lived;
  for (int i = 0; i < 5; ++i) {
    Session s = repo_->create();
    s.set_principal("purge-user");
    s.set_max_inactive(seconds(1));
    ASSERT_OK(repo_->save(s));
    short_lived.push_back(std::move(s));
  }
  for (int i = 0; i < 3; ++i) save_new(*repo_, "purge-user");
  ASSIGN_OR_FAIL(before, repo_->count());
  EXPECT_EQ(before, 8u);

  clock_->advance(seconds(2));
  ASSIGN_OR_FAIL(live, repo_->count());
  EXPECT_EQ(live, 3u);
  ASSIGN_OR_FAIL(first, repo_->purge_expired(2));
  EXPECT_EQ(first, 2u);
  ASSIGN_OR_FAIL(rest, repo_->purge_expired(1000));
  EXPECT_EQ(rest, 3u);
  ASSIGN_OR_FAIL(none, repo_->purge_expired(1000));
  EXPECT_EQ(none, 0u);
  ASSIGN_OR_FAIL(after, repo_->count());
  EXPECT_EQ(after, 3u);
  ASSIGN_OR_FAIL(listed, repo_->find_by_principal("purge-user"));
  EXPECT_EQ(listed.size(), 3u);

  const auto events = listener->events();
  for (const Session& s : short_lived) {
    EXPECT_NE(std::find(events.begin(), events.end(), "expired " + s.handle()), events.end());
  }
}

TEST_P(StoreContractTest, CountsLiveSessions) {
  ASSIGN_OR_FAIL(empty, repo_->count());
  EXPECT_EQ(empty, 0u);
  Session a = save_new(*repo_);
  Session b = save_new(*repo_);
  Session never_saved = repo_->create();
  ASSIGN_OR_FAIL(two, repo_->count());
  EXPECT_EQ(two, 2u);
  ASSIGN_OR_FAIL(removed, repo_->remove(a));
  EXPECT_TRUE(removed);
  ASSIGN_OR_FAIL(one, repo_->count());
  EXPECT_EQ(one, 1u);
  (void)b;
  (void)never_saved;
  ASSERT_OK(repo_->ping());
}

TEST_P(StoreContractTest, EventsReportCreateAndDelete) {
  auto listener = std::make_shared<RecordingListener>();
  repo_->add_listener(listener);
  Session s = save_new(*repo_, "frank");
  Session t = save_new(*repo_, "frank");
  ASSIGN_OR_FAIL(removed, repo_->remove_by_handle(s.handle()));
  EXPECT_TRUE(removed);
  ASSIGN_OR_FAIL(n, repo_->remove_by_principal("frank"));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(listener->events(),
            (std::vector<std::string>{"created " + s.handle(), "created " + t.handle(),
                                      "deleted " + s.handle(), "deleted " + t.handle()}));
}

// --- ids
// ------------------------------------------------------------------------------------------

TEST_P(StoreContractTest, MalformedIdsAndHandlesFindNothing) {
  Session s = save_new(*repo_);
  const std::string good = s.id()->str();
  std::vector<std::string> bad = {
      "",
      "x",
      good.substr(0, 42),
      good + "A",
      good.substr(0, 42) + "=",
      good.substr(0, 42) + "+",
      good.substr(0, 42) + "/",
      std::string(43, '\0'),
      s.handle(),                // a handle is not an id
      good.substr(0, 42) + "B",  // non-canonical last character
  };
  for (const auto& id : bad) {
    ASSIGN_OR_FAIL(found, repo_->find(id));
    EXPECT_FALSE(found.has_value()) << "found a session for a malformed id";
  }
  for (const std::string& h :
       {std::string(""), s.handle().substr(1), std::string(64, 'G'), std::string(64, 'A'), good}) {
    ASSIGN_OR_FAIL(found, repo_->find_by_handle(h));
    EXPECT_FALSE(found.has_value());
    ASSIGN_OR_FAIL(removed, repo_->remove_by_handle(h));
    EXPECT_FALSE(removed);
  }
  ASSIGN_OR_FAIL(still, repo_->find(good));
  EXPECT_TRUE(still.has_value());
}

TEST_P(StoreContractTest, WellShapedUnknownIdsFindNothing) {
  for (int i = 0; i < 50; ++i) {
    const SessionId unknown = SessionId::generate();
    ASSIGN_OR_FAIL(found, repo_->find(unknown.str()));
    EXPECT_FALSE(found.has_value());
  }
}

}  // namespace sessionpp::testing
