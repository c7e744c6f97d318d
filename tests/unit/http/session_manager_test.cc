// SessionManager over the real in-memory store, with a request view of the test's own.
#include "sessionpp/http/session_manager.h"

#include <gtest/gtest.h>

#include <map>

#include "sessionpp/memory_store.h"

namespace sessionpp::http {
namespace {

class FakeRequest final : public Request {
 public:
  std::multimap<std::string, std::string> fields;  // lowercase names
  bool https = false;

  FakeRequest& with(std::string name, std::string value) {
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    fields.emplace(std::move(name), std::move(value));
    return *this;
  }
  std::string_view method() const override { return "GET"; }
  std::string_view target() const override { return "/"; }
  std::vector<std::string_view> headers(std::string_view name) const override {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::vector<std::string_view> out;
    auto [a, b] = fields.equal_range(lower);
    for (auto it = a; it != b; ++it) out.push_back(it->second);
    return out;
  }
  std::string_view remote_address() const override { return "127.0.0.1"; }
  bool is_https() const override { return https; }
};

struct Sink final : ResponseSink {
  std::vector<std::pair<std::string, std::string>> headers;
  void add_header(std::string_view n, std::string_view v) override { headers.emplace_back(n, v); }
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers) {
      if (n == name) out.push_back(v);
    }
    return out;
  }
  // The id a Set-Cookie line hands out, or "" for none / a clearing line.
  std::string issued_id() const {
    for (const auto& line : all("Set-Cookie")) {
      if (line.starts_with("SESSION=") && !line.starts_with("SESSION=;")) {
        return line.substr(8, line.find(';') - 8);
      }
    }
    return "";
  }
  bool clears() const {
    for (const auto& line : all("Set-Cookie")) {
      if (line.starts_with("SESSION=;") && line.find("Max-Age=0") != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

class SessionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { open({}); }

  void open(HttpSessionOptions options) {
    manager_.reset();
    auto repo = open_memory_store(MemoryStoreOptions{.policy = SessionPolicy{.clock = clock_},
                                                     .sweep_interval = std::chrono::seconds(0)});
    ASSERT_TRUE(repo.ok());
    repo_ = std::move(*repo);
    ASSERT_TRUE(SessionManager::validate(options).ok());
    manager_ = std::make_unique<SessionManager>(*repo_, options);
  }

  // Logs `user` in on a request carrying `cookie` (if any); returns the issued id.
  std::string login(const std::string& user, const std::string& cookie = "", bool remember = false,
                    Sink* sink_out = nullptr) {
    FakeRequest req;
    if (!cookie.empty()) req.with("Cookie", "SESSION=" + cookie);
    auto rs = manager_->begin(req);
    auto s = rs.login(user, remember);
    EXPECT_TRUE(s.ok()) << s.error().to_string();
    Sink sink;
    EXPECT_TRUE(rs.commit(sink).ok());
    if (sink_out != nullptr) *sink_out = sink;
    return sink.issued_id();
  }

  std::size_t count() { return *repo_->count(); }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<SessionRepository> repo_;
  std::unique_ptr<SessionManager> manager_;
};

TEST_F(SessionManagerTest, AnonymousRequestsNeverCreateASession) {
  for (int i = 0; i < 10; ++i) {
    FakeRequest req;
    auto rs = manager_->begin(req);
    auto s = rs.current();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, nullptr);
    Sink sink;
    ASSERT_TRUE(rs.commit(sink).ok());
    EXPECT_TRUE(sink.headers.empty());
  }
  EXPECT_EQ(count(), 0u);
}

TEST_F(SessionManagerTest, LoginIssuesAnHttpOnlyLaxCookieForASavedSession) {
  Sink sink;
  const std::string id = login("alice", "", false, &sink);
  ASSERT_EQ(id.size(), SessionId::kEncodedLength);
  const std::string line = sink.all("Set-Cookie").at(0);
  EXPECT_NE(line.find("HttpOnly"), std::string::npos);
  EXPECT_NE(line.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(line.find("Path=/"), std::string::npos);
  EXPECT_EQ(line.find("Max-Age"), std::string::npos);
  EXPECT_EQ(line.find("Secure"), std::string::npos);
  auto found = repo_->find(id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->principal(), "alice");
}

TEST_F(SessionManagerTest, LoginAgainRotatesTheIdAndKeepsTheData) {
  const std::string first = login("alice");
  {
    FakeRequest req;
    req.with("Cookie", "SESSION=" + first);
    auto rs = manager_->begin(req);
    auto s = rs.current();
    ASSERT_TRUE(s.ok() && *s != nullptr);
    ASSERT_TRUE((*s)->set_attribute("cart", "3 apples").ok());
    Sink sink;
    ASSERT_TRUE(rs.commit(sink).ok());
    EXPECT_TRUE(sink.headers.empty()) << "no new cookie without a login";
  }
  const std::string second = login("alice", first);
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  EXPECT_FALSE(repo_->find(first)->has_value()) << "the pre-login id must stop working";
  auto s = repo_->find(second);
  ASSERT_TRUE(s->has_value());
  ASSERT_NE((*s)->attribute("cart"), nullptr);
  EXPECT_EQ(*(*s)->attribute("cart"), "3 apples");
  EXPECT_EQ(count(), 1u);
}

TEST_F(SessionManagerTest, LoginAsAnotherUserNeverInheritsData) {
  const std::string alice = login("alice");
  {
    auto s = repo_->find(alice);
    ASSERT_TRUE((*s)->set_attribute("secret", "alice's").ok());
    ASSERT_TRUE(repo_->save(**s).ok());
  }
  const std::string bob = login("bob", alice);
  auto s = repo_->find(bob);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->principal(), "bob");
  EXPECT_TRUE((*s)->attributes().empty());
  EXPECT_FALSE(repo_->find(alice)->has_value());
}

TEST_F(SessionManagerTest, UnknownIdIsNeverAdoptedAndIsCleared) {
  const std::string forged = SessionId::generate().str();
  FakeRequest req;
  req.with("Cookie", "SESSION=" + forged);
  auto rs = manager_->begin(req);
  EXPECT_TRUE(rs.has_candidate());
  auto s = rs.current();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, nullptr);
  Sink sink;
  ASSERT_TRUE(rs.commit(sink).ok());
  EXPECT_TRUE(sink.clears());
  for (const auto& line : sink.all("Set-Cookie")) EXPECT_EQ(line.find(forged), std::string::npos);
  EXPECT_EQ(count(), 0u);
}

TEST_F(SessionManagerTest, LoginWithAnUnknownIdGetsAFreshOne) {
  const std::string forged = SessionId::generate().str();
  const std::string id = login("alice", forged);
  EXPECT_NE(id, forged);
  EXPECT_FALSE(repo_->find(forged)->has_value());
}

TEST_F(SessionManagerTest, MalformedCookiesAreAnonymous) {
  for (const std::string& bad : std::vector<std::string>{
           "x", "../../etc/passwd", std::string(43, '='), std::string(500, 'A')}) {
    FakeRequest req;
    req.with("Cookie", "SESSION=" + bad);
    auto rs = manager_->begin(req);
    auto s = rs.current();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*s, nullptr);
  }
}

TEST_F(SessionManagerTest, LogoutDeletesTheSessionAndClearsTheCookie) {
  const std::string id = login("alice");
  FakeRequest req;
  req.with("Cookie", "SESSION=" + id);
  auto rs = manager_->begin(req);
  ASSERT_TRUE(rs.logout().ok());
  Sink sink;
  ASSERT_TRUE(rs.commit(sink).ok());
  EXPECT_TRUE(sink.clears());
  EXPECT_FALSE(repo_->find(id)->has_value());
}

TEST_F(SessionManagerTest, SessionGoneDuringTheRequestIsClearedNotResurrected) {
  const std::string id = login("alice");
  FakeRequest req;
  req.with("Cookie", "SESSION=" + id);
  auto rs = manager_->begin(req);
  auto s = rs.current();
  ASSERT_TRUE(s.ok() && *s != nullptr);
  ASSERT_TRUE((*s)->set_attribute("late", "write").ok());
  ASSERT_TRUE(repo_->remove_by_handle((*s)->handle()).ok());  // logout on another node
  Sink sink;
  auto c = rs.commit(sink);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kGone);
  EXPECT_TRUE(sink.clears());
  EXPECT_EQ(count(), 0u);
}

TEST_F(SessionManagerTest, SecureFollowsTheRequestOrATrustedProxy) {
  FakeRequest plain;
  EXPECT_FALSE(manager_->begin(plain).secure());
  FakeRequest tls;
  tls.https = true;
  EXPECT_TRUE(manager_->begin(tls).secure());
  FakeRequest proxied;
  proxied.with("X-Forwarded-Proto", "https, http");
  EXPECT_TRUE(manager_->begin(proxied).secure());

  open(HttpSessionOptions{.trust_forwarded_proto = false});
  EXPECT_FALSE(manager_->begin(proxied).secure());
  open(HttpSessionOptions{.cookie = {.secure = SecureMode::kNever}});
  EXPECT_FALSE(manager_->begin(tls).secure());
  open(HttpSessionOptions{.cookie = {.secure = SecureMode::kAlways}});
  EXPECT_TRUE(manager_->begin(plain).secure());
}

TEST_F(SessionManagerTest, RememberMeSetsMaxAgeAndTheSessionTimeout) {
  open(HttpSessionOptions{.remember_me = std::chrono::hours(24)});
  Sink sink;
  const std::string id = login("alice", "", /*remember=*/true, &sink);
  EXPECT_NE(sink.all("Set-Cookie").at(0).find("Max-Age=86400"), std::string::npos);
  auto s = repo_->find(id);
  EXPECT_EQ((*s)->max_inactive(), std::chrono::hours(24));
}

TEST_F(SessionManagerTest, HeaderModeHandsOutAndAcceptsTheToken) {
  open(HttpSessionOptions{.header = {.enabled = true}});
  Sink sink;
  const std::string id = login("alice", "", false, &sink);
  ASSERT_EQ(sink.all("X-Auth-Token"), std::vector<std::string>{id});
  FakeRequest req;
  req.with("X-Auth-Token", id);
  auto rs = manager_->begin(req);
  auto s = rs.current();
  ASSERT_TRUE(s.ok() && *s != nullptr);
  EXPECT_EQ((*s)->principal(), "alice");
}

TEST_F(SessionManagerTest, HeaderIgnoredWhenHeaderModeIsOff) {
  const std::string id = login("alice");
  FakeRequest req;
  req.with("X-Auth-Token", id);
  auto rs = manager_->begin(req);
  EXPECT_EQ(*rs.current(), nullptr);
}

TEST_F(SessionManagerTest, MaxSessionsPerPrincipalEndsTheOldest) {
  open(HttpSessionOptions{.max_sessions_per_principal = 2});
  const std::string a = login("alice");
  clock_->advance(std::chrono::seconds(1));
  const std::string b = login("alice");
  clock_->advance(std::chrono::seconds(1));
  const std::string c = login("alice");
  EXPECT_FALSE(repo_->find(a)->has_value());
  EXPECT_TRUE(repo_->find(b)->has_value());
  EXPECT_TRUE(repo_->find(c)->has_value());
  EXPECT_EQ(repo_->find_by_principal("alice")->size(), 2u);
}

TEST_F(SessionManagerTest, ValidateRejectsBadOptions) {
  EXPECT_FALSE(SessionManager::validate(HttpSessionOptions{.max_sessions_per_principal = 0}).ok());
  EXPECT_FALSE(SessionManager::validate(HttpSessionOptions{.cookie = {.name = "a b"}}).ok());
  EXPECT_FALSE(
      SessionManager::validate(HttpSessionOptions{.header = {.enabled = true, .name = "X Y"}})
          .ok());
}

TEST(ErrorStatus, TransientStoreErrorsAre503WithRetryAfter) {
  HttpSessionOptions o{.retry_after = std::chrono::seconds(7)};
  auto s = error_status(make_error(Errc::kUnavailable, "down"), o);
  EXPECT_EQ(s.status, 503);
  EXPECT_EQ(s.retry_after_seconds, 7);
  EXPECT_EQ(error_status(make_error(Errc::kTimeout, "slow"), o).status, 503);
  EXPECT_EQ(error_status(make_error(Errc::kGone, "gone"), o).status, 401);
  EXPECT_EQ(error_status(make_error(Errc::kInvalidArgument, "bad"), o).status, 400);
}

}  // namespace
}  // namespace sessionpp::http
