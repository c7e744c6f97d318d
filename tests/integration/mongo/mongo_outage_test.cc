// The server goes away mid-run: calls fail fast with a transient error (kUnavailable or
// kTimeout, which HTTP maps to 503), and the same store object serves again once the server is
// back. The test stops and restarts the shared test server through scripts/services, and leaves
// it running.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "contract/contract_suite.h"
#include "integration/mongo/mongo_test_support.h"
#include "sessionpp/mongo_store.h"

namespace sessionpp::testing {

// This binary links the contract suite for its helpers only.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreContractTest);

namespace {

using namespace std::chrono_literals;

int services(const std::string& verb) {
  const std::string cmd =
      "bash '" SESSIONPP_SOURCE_DIR "/scripts/services' " + verb + " ferretdb >&2";
  return std::system(cmd.c_str());
}

// Drops the test's collections however the test ends.
struct DropOnExit {
  std::string collection;
  ~DropOnExit() { drop_mongo_collection(collection); }
};

// Restarts the server however the test ends.
struct RestartOnExit {
  ~RestartOnExit() { (void)services("start"); }
};

// Shows what a caller sees while the server is down.
bool transient(const Error& e) {
  std::fprintf(stderr, "  while down: %s\n", e.to_string().c_str());
  return is_transient(e.code);
}

TEST(MongoOutageTest, ServerKilledMidRunIsTransientThenTheSameStoreServesAgain) {
  if (mongo_test_uri().find("@127.0.0.1:27117/") == std::string::npos) {
    if (in_ci()) FAIL() << "SESSIONPP_TEST_MONGO_URI is not the server scripts/services manages";
    GTEST_SKIP() << "SESSIONPP_TEST_MONGO_URI is not the server scripts/services manages";
  }
  const std::string collection = fresh_namespace() + "outage";
  DropOnExit drop{collection};
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_mongo_store(mongo_test_options(collection)), repo);

  Session s = repo->create();
  s.set_principal("outage-user");
  ASSERT_TRUE(s.set_attribute("before", "outage").ok());
  ASSERT_TRUE(repo->save(s).ok());
  const std::string id = s.id()->str();

  RestartOnExit restart;
  ASSERT_EQ(services("stop"), 0);

  // Every operation fails with a transient error, within the configured timeouts.
  const auto started = std::chrono::steady_clock::now();
  auto found = repo->find(id);
  ASSERT_FALSE(found.ok()) << "find succeeded with the server down";
  EXPECT_TRUE(transient(found.error())) << found.error().to_string();
  auto again = repo->find(id);  // a second call: no pooled connection left to reuse
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kUnavailable) << again.error().to_string();
  EXPECT_NE(again.error().message.find("127.0.0.1:27117"), std::string::npos)
      << again.error().message;
  ASSERT_TRUE(s.set_attribute("during", "outage").ok());
  auto saved = repo->save(s);
  ASSERT_FALSE(saved.ok());
  EXPECT_TRUE(transient(saved.error())) << saved.error().to_string();
  auto pinged = repo->ping();
  ASSERT_FALSE(pinged.ok());
  EXPECT_TRUE(transient(pinged.error())) << pinged.error().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "calls did not fail fast";

  ASSERT_EQ(services("start"), 0);

  // The same store object recovers on its own (its pool reconnects).
  Result<std::optional<Session>> back = make_error(Errc::kInternal, "not tried");
  for (int i = 0; i < 60; ++i) {
    back = repo->find(id);
    if (back.ok()) break;
    EXPECT_TRUE(is_transient(back.error().code)) << back.error().to_string();
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_TRUE(back->has_value()) << "the session did not survive the restart";
  EXPECT_EQ(*(*back)->attribute("before"), "outage");
  EXPECT_EQ((*back)->attribute("during"), nullptr) << "a failed save was applied";
  Session copy = std::move(**back);
  ASSERT_TRUE(copy.set_attribute("after", "outage").ok());
  ASSERT_TRUE(repo->save(copy).ok());
  ASSERT_TRUE(repo->ping().ok());
  auto listed = repo->find_by_principal("outage-user");
  ASSERT_TRUE(listed.ok()) << listed.error().to_string();
  EXPECT_EQ(listed->size(), 1u);
}

// The server process is frozen (SIGSTOP) rather than gone: a call on an open connection waits
// for its socket timeout and fails with kTimeout (or kUnavailable once the pool gives up on the
// server), never hangs; after SIGCONT the same store serves again.
TEST(MongoOutageTest, HungServerTimesOutThenRecovers) {
  if (mongo_test_uri().find("@127.0.0.1:27117/") == std::string::npos) {
    if (in_ci()) FAIL() << "SESSIONPP_TEST_MONGO_URI is not the server scripts/services manages";
    GTEST_SKIP() << "SESSIONPP_TEST_MONGO_URI is not the server scripts/services manages";
  }
  const char* dir = std::getenv("SESSIONPP_SERVICES_DIR");
  const std::string pidfile =
      std::string(dir != nullptr && *dir != '\0' ? dir : SESSIONPP_SOURCE_DIR "/.services") +
      "/ferretdb/ferretdb.pid";
  std::ifstream in(pidfile);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) {
    if (in_ci()) FAIL() << "no pid file " << pidfile << " (scripts/services start ferretdb)";
    GTEST_SKIP() << "no pid file " << pidfile;
  }

  const std::string collection = fresh_namespace() + "hang";
  DropOnExit drop{collection};
  MongoOptions o = mongo_test_options(collection);
  o.socket_timeout = std::chrono::seconds(1);
  std::unique_ptr<SessionRepository> repo;
  SESSIONPP_REQUIRE_STORE(open_mongo_store(o), repo);
  Session s = repo->create();
  ASSERT_TRUE(repo->save(s).ok());

  struct Thaw {
    long pid;
    ~Thaw() { ::kill(static_cast<pid_t>(pid), SIGCONT); }
  } thaw{pid};
  ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
  // SIGSTOP takes effect asynchronously: wait until the process is seen stopped.
  const auto stopped = [pid] {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    stat >> pid_field >> comm >> state;
    return state == "T" || state == "t";
  };
  for (int i = 0; i < 100 && !stopped(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(stopped()) << "process " << pid << " did not stop";
  const auto started = std::chrono::steady_clock::now();
  auto found = repo->find(s.id()->str());
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(found.ok()) << "find succeeded against a frozen server";
  EXPECT_EQ(found.error().code, Errc::kTimeout) << found.error().to_string();
  std::fprintf(stderr, "  while frozen: %s\n", found.error().to_string().c_str());
  EXPECT_LT(took, 10s);
  ::kill(static_cast<pid_t>(pid), SIGCONT);

  Result<std::optional<Session>> back = make_error(Errc::kInternal, "not tried");
  for (int i = 0; i < 60; ++i) {
    back = repo->find(s.id()->str());
    if (back.ok()) break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->has_value());
}

}  // namespace
}  // namespace sessionpp::testing
