#pragma once

// sessiond's configuration: one TOML file, every setting with a default (docs/configuration.md
// lists them all). Loading validates everything that can be checked without a network.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence.h"
#include "sessionpp/http/session_manager.h"
#include "sessionpp/result.h"

namespace sessiond {

// 4 per CPU core (std::thread::hardware_concurrency), at least 4 and at most 64.
std::int64_t default_worker_threads() noexcept;

// [server]
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one. Default shown
  std::string node_name;                  // X-Served-By; empty: the bound HOST:PORT. Default: empty
  std::int64_t io_threads = 1;            // threads reading and writing sockets. Default: 1
  // Threads running handlers and store calls; store calls block, so more threads than cores
  // keep a networked store busy, but every thread beyond that costs context switches (measured:
  // docs/BENCHMARKS.md). Default: 4 per CPU core, at least 4 and at most 64
  std::int64_t worker_threads = default_worker_threads();
  std::size_t max_header_bytes = 8 * 1024;  // request line + headers; over: 431. Default: 8 KiB
  std::size_t max_body_bytes = 64 * 1024;   // request body; over: 413. Default: 64 KiB
  Duration read_timeout = std::chrono::seconds(10);        // to receive one request. Default: 10s
  Duration write_timeout = std::chrono::seconds(10);       // to send one response. Default: 10s
  Duration keep_alive_timeout = std::chrono::seconds(30);  // idle between requests. Default: 30s
  Duration shutdown_timeout = std::chrono::seconds(30);  // in-flight grace on SIGTERM. Default: 30s
  std::string port_file;  // when set, the bound port is written there. Default: empty
};

// [[security.users]]
struct UserConfig {
  std::string username;
  std::string password_hash;  // $argon2id$... from `sessionctl hash-password`
  std::vector<std::string> roles = {"user"};
};

// [security.login_throttle]
struct ThrottleConfig {
  std::int64_t max_failures = 5;  // failures allowed per user and address in the window
  Duration window = std::chrono::seconds(60);
};

// [security]
struct SecurityConfig {
  bool authentication = true;                           // off: no login, no sessions. Default: true
  Duration session_timeout = std::chrono::minutes(30);  // idle timeout; < 0 never. Default: 30m
  std::int64_t max_sessions_per_user = -1;              // -1: unlimited. Default: -1
  // How often this node deletes expired sessions from a store that needs it (jittered by a
  // fifth either way); 0: never. Default: 60s
  Duration purge_interval = std::chrono::seconds(60);
  std::int64_t purge_batch = 500;  // sessions per purge statement. Default: 500
  std::vector<UserConfig> users;
  sessionpp::http::HttpSessionOptions http;  // [security.cookie], [security.session_header]
  ThrottleConfig login_throttle;
  PersistenceConfig persistence;
};

struct Config {
  ServerConfig server;
  SecurityConfig security;
  std::vector<DatabaseConfig> databases;
  std::string source;  // the file it came from; empty: defaults
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[V6]:PORT" -> address; kInvalidArgument naming `key` otherwise.
Result<ListenAddress> parse_listen(std::string_view text, std::string_view key = "server.listen");

// "30m", "10s", "250ms", "1h", "2d", "-1" -> duration. nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

// Parses and validates TOML text. Errors: kInvalidArgument, "<source>: <key>: <problem>".
Result<Config> parse_config(std::string_view toml_text, std::string_view source);
// Reads and parses `path`.
Result<Config> load_config(const std::string& path);
// Checks the combination of settings (after command-line overrides).
Result<void> validate(const Config& config);

}  // namespace sessiond
