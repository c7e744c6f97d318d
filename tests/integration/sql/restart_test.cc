// A server restart mid-run: calls fail with kUnavailable while it is down (never anything
// else), and the same store object serves again once it is back. Each case runs a private
// server instance through scripts/services.d (own port and data folder), so restarting it
// disturbs no other test.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "contract/contract_suite.h"
#include "integration/sql/sql_test_env.h"
#include "sessionpp/sql_store.h"

namespace sessionpp::testing {
namespace {

using namespace std::chrono_literals;

class SqlRestart : public ::testing::TestWithParam<std::string> {
 protected:
  bool postgres() const { return GetParam() == "Postgres"; }

  int service(const std::string& verb) {
    const std::string script = std::string(SESSIONPP_SOURCE_DIR) + "/scripts/services.d/" +
                               (postgres() ? "postgres.sh" : "mariadb.sh");
    const std::string cmd = "SESSIONPP_SERVICES_DIR='" + dir_.string() + "' " +
                            (postgres() ? "SESSIONPP_PG_PORT=" : "SESSIONPP_MARIADB_PORT=") +
                            std::to_string(port_) + " bash '" + script + "' " + verb + " >>'" +
                            (dir_ / "service.log").string() + "' 2>&1";
    return std::system(cmd.c_str());
  }

  void SetUp() override {
    // Each test its own port and folder: ctest runs them side by side.
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    int slot = 0;
    if (test.find("ServerWide") != std::string::npos) slot = 1;
    if (test.find("HotStandby") != std::string::npos) slot = 2;
    port_ = (postgres() ? 15499 : 13399) - 10 * slot;
    dir_ = std::filesystem::temp_directory_path() /
           ("sessionpp-private-" + GetParam() + "-" + std::to_string(slot));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    chmod(dir_.c_str(), 0755);  // the server runs as its own unprivileged user
    if (service("start") != 0) {
      const std::string why = "could not start a private " + GetParam() + " on port " +
                              std::to_string(port_) + " (see " + (dir_ / "service.log").string() +
                              ")";
      if (in_ci()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    url_ = (postgres() ? "postgresql" : "mysql") +
           std::string("://sessionpp:sessionpp-test@127.0.0.1:") + std::to_string(port_) +
           "/sessionpp";
  }

  void TearDown() override {
    if (std::filesystem::exists(dir_ / "standby.sh")) {
      (void)std::system(
          ("bash '" + (dir_ / "standby.sh").string() + "' stop >/dev/null 2>&1").c_str());
    }
    // Also after a failed start: a half-started server must not outlive the test.
    if (!dir_.empty()) service("stop");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int port_ = 0;
  std::filesystem::path dir_;
  std::string url_;
};

TEST_P(SqlRestart, UnavailableWhileDownThenTheSameStoreServesAgain) {
  SqlStoreOptions o{.url = url_, .name = "restart-db", .table_prefix = "rs_"};
  o.pool.size = 4;
  o.connect_timeout = 2s;
  auto opened = open_sql_store(o);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  SessionRepository& repo = **opened;
  Session s = repo.create();
  ASSERT_TRUE(s.set_attribute("k", "before").ok());
  ASSERT_TRUE(repo.save(s).ok());
  const std::string id = s.id()->str();

  // Traffic throughout the restart: every failure must be transient.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> bad;
  std::atomic<int> failures{0};
  std::thread traffic([&] {
    int i = 0;
    while (!stop.load()) {
      auto found = repo.find(id);
      if (!found) {
        ++failures;
        if (!is_transient(found.error().code)) {
          std::lock_guard lock(mu);
          bad.push_back(found.error().to_string());
        }
      } else if (found->has_value()) {
        (void)(*found)->set_int("i", ++i);
        if (auto r = repo.save(**found); !r) {
          ++failures;
          if (!is_transient(r.error().code)) {
            std::lock_guard lock(mu);
            bad.push_back(r.error().to_string());
          }
        }
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(service("stop"), 0);
  auto down = repo.ping();
  ASSERT_FALSE(down.ok()) << "ping succeeded with the server stopped";
  EXPECT_EQ(down.error().code, Errc::kUnavailable) << down.error().to_string();
  EXPECT_NE(down.error().message.find("127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << down.error().message;
  EXPECT_EQ(down.error().message.find("sessionpp-test"), std::string::npos);
  auto find_down = repo.find(id);
  ASSERT_FALSE(find_down.ok());
  EXPECT_EQ(find_down.error().code, Errc::kUnavailable) << find_down.error().to_string();

  ASSERT_EQ(service("start"), 0);
  // The first call after the restart may still meet a dead pooled connection; the pool heals.
  Result<std::optional<Session>> back = make_error(Errc::kInternal, "not tried");
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  int attempts = 0;
  do {
    ++attempts;
    back = repo.find(id);
    if (back.ok()) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  stop = true;
  traffic.join();
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(*(*back)->attribute("k"), "before");
  EXPECT_LE(attempts, 2) << "the pool did not heal at once";
  ASSERT_TRUE(repo.ping().ok());
  EXPECT_GT(failures.load(), 0) << "the traffic never saw the outage";
  for (const auto& b : bad) ADD_FAILURE() << "non-transient error during the restart: " << b;
}

// A server switched to read-only as a whole (not just one database): a new store is refused at
// open, and a store opened before the switch gets kReadOnly from its next save.
TEST_P(SqlRestart, ServerWideReadOnlyIsRefused) {
  SqlStoreOptions o{.url = url_, .name = "ro-server", .table_prefix = "ro_"};
  auto before = open_sql_store(o);
  ASSERT_TRUE(before.ok()) << before.error().to_string();
  Session s = (*before)->create();
  ASSERT_TRUE((*before)->save(s).ok());

  const std::string admin =
      postgres()
          ? "psql -h 127.0.0.1 -p " + std::to_string(port_) +
                " -U postgres -d postgres -qAt -c 'ALTER SYSTEM SET "
                "default_transaction_read_only = on' -c 'SELECT pg_reload_conf()'"
          : "mariadb --no-defaults -uroot --socket='" +
                (dir_ / "mariadb" / "mysqld.sock").string() + "' -e 'SET GLOBAL read_only = 1'";
  ASSERT_EQ(std::system((admin + " >/dev/null 2>&1").c_str()), 0) << admin;
  std::this_thread::sleep_for(200ms);  // PostgreSQL backends apply the reload asynchronously

  auto refused = open_sql_store(o);
  ASSERT_FALSE(refused.ok()) << "a read-only server was accepted";
  EXPECT_EQ(refused.error().code, Errc::kReadOnly) << refused.error().to_string();
  EXPECT_NE(refused.error().message.find("'ro-server'"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find(postgres() ? "default_transaction_read_only"
                                                    : "read_only is ON"),
            std::string::npos)
      << refused.error().message;

  ASSERT_TRUE(s.set_attribute("k", "v").ok());
  auto save = (*before)->save(s);
  ASSERT_FALSE(save.ok()) << "saved to a read-only server";
  EXPECT_EQ(save.error().code, Errc::kReadOnly) << save.error().to_string();
  auto found = (*before)->find(s.id()->str());
  ASSERT_TRUE(found.ok()) << "reads still work: " << found.error().to_string();
  EXPECT_TRUE(found->has_value());
}

// PostgreSQL only: a hot standby (a streaming replica of the private primary) is refused.
class SqlPrivatePostgres : public SqlRestart {};

TEST_P(SqlPrivatePostgres, HotStandbyIsRefused) {
  const std::string standby = (dir_ / "standby").string();
  const std::string port = std::to_string(port_ + 1);
  const std::string script = (dir_ / "standby.sh").string();
  {
    std::ofstream out(script);
    out << "set -e\n"
        << "bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)\n"
        << "pg() { if [ \"$(id -u)\" -eq 0 ]; then runuser -u postgres -- \"$@\"; else \"$@\"; fi; "
           "}\n"
        << "case \"$1\" in\n"
        << "start)\n"
        << "  mkdir -p '" << standby << "'; chmod 700 '" << standby << "'\n"
        << "  [ \"$(id -u)\" -ne 0 ] || chown postgres '" << standby << "'\n"
        << "  pg \"$bin/pg_basebackup\" -h 127.0.0.1 -p " << port_ << " -U postgres -c fast -D '"
        << standby << "' -R\n"
        << "  printf \"port = " << port << "\\nunix_socket_directories = '" << standby
        << "'\\n\" | pg tee -a '" << standby << "/postgresql.conf' >/dev/null\n"
        << "  pg \"$bin/pg_ctl\" -D '" << standby << "' -l '" << standby
        << "/startup.log' -w -t 60 start ;;\n"
        << "stop) pg \"$bin/pg_ctl\" -D '" << standby << "' -m fast -w stop ;;\n"
        << "esac\n";
  }
  const std::string log = " >>'" + (dir_ / "service.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(("bash '" + script + "' start" + log).c_str()), 0)
      << "could not start a hot standby; see " << dir_ / "service.log";
  auto r = open_sql_store(
      {.url = "postgresql://sessionpp:sessionpp-test@127.0.0.1:" + port + "/sessionpp",
       .name = "replica"});
  EXPECT_EQ(std::system(("bash '" + script + "' stop" + log).c_str()), 0);
  ASSERT_FALSE(r.ok()) << "a hot standby was accepted";
  EXPECT_EQ(r.error().code, Errc::kReadOnly) << r.error().to_string();
  EXPECT_NE(r.error().message.find("'replica'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("hot standby"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Sql, SqlPrivatePostgres, ::testing::Values("Postgres"),
                         [](const auto& p) { return p.param; });

INSTANTIATE_TEST_SUITE_P(Sql, SqlRestart, ::testing::Values("Postgres", "Mariadb"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sessionpp::testing
