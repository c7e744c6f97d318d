#include "support/sessiond_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace sessionpp::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Spawns `argv[0]` with stdout and stderr appended to `output`, stdin from `input` (or
// /dev/null), the environment plus `env`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& output,
            const std::string& input, const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv = *e;
    bool overridden = false;
    for (const auto& [k, v] : env) overridden |= kv.starts_with(k + "=");
    if (!overridden) env_text.emplace_back(kv);
  }
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_text) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, input.empty() ? "/dev/null" : input.c_str(), O_RDONLY,
                                   0);
  posix_spawn_file_actions_addopen(&fa, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argp[0], &fa, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string sessiond_binary() { return SESSIOND_BINARY; }
std::string sessionctl_binary() { return SESSIONCTL_BINARY; }

std::string make_temp_dir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" +
                     std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  }
  return tmpl;
}

void remove_tree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

std::string cheap_password_hash(std::string_view password) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(
          out.data(), password.data(), password.size(), crypto_pwhash_argon2id_OPSLIMIT_MIN,
          crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("crypto_pwhash_str_alg failed");
  }
  return out.data();
}

SessiondProcess::SessiondProcess(SessiondOptions o) : dir_(make_temp_dir("sessiond-test-")) {
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> argv = {sessiond_binary(), "--listen", "127.0.0.1:0", "--port-file",
                                   port_file};
  if (!o.config.empty()) {
    write_file(dir_ + "/sessiond.toml", o.config);
    argv.push_back("--config");
    argv.push_back(dir_ + "/sessiond.toml");
  }
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  auto env = o.env;
  if (o.test_hooks) {
    env.emplace_back("SESSIOND_TEST_HOOKS", "1");
    env.emplace_back("SESSIOND_TEST_STORE_FAULT_FILE", fault_file());
  }
  pid_ = spawn(argv, dir_ + "/output.log", "", env);
  const auto deadline = std::chrono::steady_clock::now() + o.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    if (auto code = wait_for(pid_, std::chrono::milliseconds(0))) {
      exit_code_ = code;
      throw std::runtime_error("sessiond exited with " + std::to_string(*code) +
                               " before listening:\n" + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("sessiond did not write its port within the start timeout:\n" +
                           output());
}

SessiondProcess::~SessiondProcess() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    (void)wait_for(pid_, std::chrono::seconds(5));
  }
  remove_tree(dir_);
}

void SessiondProcess::signal(int sig) const { ::kill(pid_, sig); }

std::optional<int> SessiondProcess::wait(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = wait_for(pid_, timeout);
  return exit_code_;
}

std::optional<int> SessiondProcess::terminate(std::chrono::milliseconds timeout) {
  if (!exit_code_) signal(SIGTERM);
  return wait(timeout);
}

std::string SessiondProcess::output() const { return read_file(dir_ + "/output.log"); }

RunResult run_program(const std::string& binary, const std::vector<std::string>& args,
                      std::string_view stdin_text, std::chrono::milliseconds timeout) {
  const std::string dir = make_temp_dir("sessiond-run-");
  std::string input;
  if (!stdin_text.empty()) {
    input = dir + "/stdin";
    write_file(input, stdin_text);
  }
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r;
  const pid_t pid = spawn(argv, dir + "/output.log", input, {});
  auto code = wait_for(pid, timeout);
  if (!code) {
    ::kill(pid, SIGKILL);
    (void)wait_for(pid, std::chrono::seconds(5));
  }
  r.exit_code = code.value_or(-1);
  r.output = read_file(dir + "/output.log");
  remove_tree(dir);
  return r;
}

}  // namespace sessionpp::testing
