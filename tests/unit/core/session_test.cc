#include "sessionpp/session.h"

#include <gtest/gtest.h>

#include "sessionpp/memory_store.h"

namespace sessionpp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

TEST(ExpiryTest, NegativeTimeoutNeverExpires) {
  EXPECT_FALSE(expiry_of(kT0, milliseconds(-1), std::nullopt).has_value());
}

TEST(ExpiryTest, ZeroTimeoutExpiresAtLastAccess) {
  EXPECT_EQ(expiry_of(kT0, milliseconds(0), std::nullopt), kT0);
}

TEST(ExpiryTest, IdleTimeoutAddsToLastAccess) {
  EXPECT_EQ(expiry_of(kT0, seconds(30), std::nullopt), kT0 + seconds(30));
}

TEST(ExpiryTest, AbsoluteDeadlineCapsTheIdleTimeout) {
  EXPECT_EQ(expiry_of(kT0, seconds(30), kT0 + seconds(10)), kT0 + seconds(10));
  EXPECT_EQ(expiry_of(kT0, seconds(30), kT0 + seconds(40)), kT0 + seconds(30));
  EXPECT_EQ(expiry_of(kT0, milliseconds(-1), kT0 + seconds(40)), kT0 + seconds(40));
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SessionPolicy policy;
    policy.clock = clock_;
    policy.max_inactive = seconds(10);
    repo_ = std::move(*open_memory_store({.policy = policy, .sweep_interval = {}}));
  }
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(kT0);
  std::unique_ptr<SessionRepository> repo_;
};

TEST_F(SessionTest, NewSessionHasPolicyTimes) {
  Session s = repo_->create();
  EXPECT_TRUE(s.is_new());
  EXPECT_TRUE(s.has_changes());
  EXPECT_EQ(s.created(), kT0);
  EXPECT_EQ(s.last_accessed(), kT0);
  EXPECT_EQ(s.max_inactive(), seconds(10));
  EXPECT_EQ(s.expires_at(), kT0 + seconds(10));
  EXPECT_FALSE(s.is_expired(kT0 + seconds(10) - milliseconds(1)));
  EXPECT_TRUE(s.is_expired(kT0 + seconds(10)));
  EXPECT_EQ(s.handle(), handle_of(*s.id()));
}

TEST_F(SessionTest, DeltaRecordsSetsAndRemovals) {
  Session s = repo_->create();
  ASSERT_TRUE(s.set_attribute("a", "1").ok());
  ASSERT_TRUE(s.set_attribute("b", "2").ok());
  ASSERT_TRUE(repo_->save(s).ok());
  EXPECT_TRUE(s.changed_names().empty());
  EXPECT_FALSE(s.has_changes());

  ASSERT_TRUE(s.set_attribute("a", "3").ok());
  EXPECT_TRUE(s.remove_attribute("b"));
  EXPECT_FALSE(s.remove_attribute("never"));
  EXPECT_EQ(s.changed_names(), (std::set<std::string, std::less<>>{"a", "b"}));
  EXPECT_FALSE(s.metadata_changed());
  s.set_principal("p");
  EXPECT_TRUE(s.metadata_changed());
  s.set_principal("p");
  ASSERT_TRUE(repo_->save(s).ok());
  EXPECT_FALSE(s.metadata_changed());
  EXPECT_TRUE(s.changed_names().empty());
}

TEST_F(SessionTest, SettingTheSameMetadataIsNoChange) {
  Session s = repo_->create();
  ASSERT_TRUE(repo_->save(s).ok());
  s.set_max_inactive(seconds(10));
  s.set_principal("");
  s.set_absolute_deadline(std::nullopt);
  EXPECT_FALSE(s.metadata_changed());
}

TEST_F(SessionTest, TouchNeverLowersLastAccess) {
  Session s = repo_->create();
  s.touch(kT0 + seconds(5));
  s.touch(kT0 + seconds(2));
  EXPECT_EQ(s.last_accessed(), kT0 + seconds(5));
}

TEST_F(SessionTest, IntegerHelpers) {
  Session s = repo_->create();
  ASSERT_TRUE(s.set_int("n", 9'000'000'000).ok());
  EXPECT_EQ(s.get_int("n"), 9'000'000'000);
  ASSERT_TRUE(s.set_attribute("text", "12abc").ok());
  EXPECT_EQ(s.get_int("text"), std::nullopt);
  EXPECT_EQ(s.get_int("missing"), std::nullopt);
  ASSERT_TRUE(s.set_attribute("empty", "").ok());
  EXPECT_EQ(s.get_int("empty"), std::nullopt);
}

TEST_F(SessionTest, NameRules) {
  EXPECT_TRUE(validate_attribute_name("a").ok());
  EXPECT_TRUE(validate_attribute_name(std::string(200, 'x')).ok());
  EXPECT_TRUE(validate_attribute_name("\xf0\x9f\x98\x80").ok());  // U+1F600
  EXPECT_FALSE(validate_attribute_name("").ok());
  EXPECT_FALSE(validate_attribute_name(std::string(201, 'x')).ok());
  EXPECT_FALSE(validate_attribute_name("\x80").ok());
  EXPECT_FALSE(validate_attribute_name("\xe2\x82").ok());          // truncated
  EXPECT_FALSE(validate_attribute_name("\xf4\x90\x80\x80").ok());  // above U+10FFFF
  EXPECT_FALSE(validate_attribute_name("\xe0\x80\x80").ok());      // overlong
  auto r = validate_attribute_name(std::string(201, 'x'));
  EXPECT_NE(r.error().message.find("201"), std::string::npos);
}

TEST(ResultTest, ValueOnErrorThrows) {
  Result<int> r = make_error(Errc::kGone, "x");
  EXPECT_FALSE(r.ok());
  EXPECT_THROW((void)r.value(), BadResultAccess);
  EXPECT_EQ(r.error().to_string(), "gone: x");
  Result<int> ok = 5;
  EXPECT_EQ(*ok, 5);
  Result<void> v;
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(is_transient(Errc::kTimeout));
  EXPECT_FALSE(is_transient(Errc::kGone));
}

}  // namespace
}  // namespace sessionpp
