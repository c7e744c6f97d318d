#pragma once

// Starts the real sessiond binary on an ephemeral loopback port with a config file of the test's
// own, for integration and multi-node tests.
//
//   SessiondProcess node({.config = "[security]\nmax_sessions_per_user = 2\n"});
//   auto r = node.client().get("/healthz");

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_client.h"

namespace sessionpp::testing {

// Path of the sessiond binary built in this tree.
std::string sessiond_binary();
// Path of the sessionctl binary built in this tree.
std::string sessionctl_binary();

// A fresh directory under $TMPDIR (or /tmp); removed by the caller.
std::string make_temp_dir(std::string_view prefix);
// Removes `dir` and what it holds.
void remove_tree(const std::string& dir);

// An argon2id hash of `password` at libsodium's minimum cost, so tests verify it quickly.
std::string cheap_password_hash(std::string_view password);

struct SessiondOptions {
  // TOML written to <dir>/sessiond.toml and passed with --config; empty: no --config at all.
  // A [server] listen setting in it is overridden by --listen 127.0.0.1:0.
  std::string config;
  // More command-line arguments.
  std::vector<std::string> args;
  // Environment variables set for the child on top of this process's environment.
  std::vector<std::pair<std::string, std::string>> env;
  // Sets SESSIOND_TEST_HOOKS=1 (X-Test-Delay-Ms, the store fault file).
  bool test_hooks = false;
  // How long to wait for the port file. Default: 15 s.
  std::chrono::milliseconds start_timeout = std::chrono::seconds(15);
};

// One running sessiond. The destructor kills it (SIGKILL) if it still runs and removes its
// directory. Throws std::runtime_error when it does not start.
class SessiondProcess {
 public:
  explicit SessiondProcess(SessiondOptions options = {});
  ~SessiondProcess();
  SessiondProcess(const SessiondProcess&) = delete;
  SessiondProcess& operator=(const SessiondProcess&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string host() const { return "127.0.0.1"; }
  pid_t pid() const noexcept { return pid_; }
  // The process's own directory (config, output, the store fault file).
  const std::string& dir() const noexcept { return dir_; }
  // Where the store fault file goes: while it exists, every store call fails (test hooks on).
  std::string fault_file() const { return dir_ + "/store-fault"; }

  HttpClient client(bool keep_alive = false) const { return HttpClient(host(), port_, keep_alive); }

  // Sends `sig`.
  void signal(int sig) const;
  // Waits for the exit; the exit code (or 128 + signal), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then wait.
  std::optional<int> terminate(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Everything it printed on stdout and stderr so far.
  std::string output() const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::uint16_t port_ = 0;
};

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `binary args...` to completion (at most `timeout`), with `stdin_text` on its standard input.
RunResult run_program(const std::string& binary, const std::vector<std::string>& args,
                      std::string_view stdin_text = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace sessionpp::testing
