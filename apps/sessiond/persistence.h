#pragma once

// Session persistence: the parsed [security.session_persistence] settings and the dispatcher
// that turns them into a SessionRepository. Each type is one function in its own file
// (persistence_<type>.cc) listed in the table in persistence.cc.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "secret.h"
#include "sessionpp/repository.h"
#include "sessionpp/result.h"

namespace sessiond {

using sessionpp::Duration;
using sessionpp::Result;

// [security.session_persistence.redis]
struct RedisPersistence {
  std::string host = "127.0.0.1";         // Default: 127.0.0.1
  std::int64_t port = 6379;               // Default: 6379
  std::string username;                   // ACL user; empty: the default user. Default: empty
  Secret password;                        // password | password_env | password_file. Default: none
  std::int64_t database = 0;              // SELECT index. Default: 0
  std::string key_prefix = "sessionpp:";  // Default: "sessionpp:"
  Duration connect_timeout = std::chrono::seconds(2);  // Default: 2s
  Duration command_timeout = std::chrono::seconds(2);  // Default: 2s
  std::int64_t pool_size = 16;                         // Default: 16 (as many as worker threads)
  // Extra connections carrying finds auto-pipelined (RedisOptions::Pool::pipelined_reads);
  // 0: finds use pooled connections. Default: 2
  std::int64_t pipelined_reads = 2;
  std::string mode = "standalone";         // standalone | cluster | sentinel. Default: standalone
  std::vector<std::string> cluster_nodes;  // cluster seeds, "host:port". Default: empty
  std::vector<std::string> sentinels;      // Sentinels, "host:port". Default: empty
  std::string master_name;                 // the Sentinels' name of the primary. Default: empty
  // sentinel_password | sentinel_password_env | sentinel_password_file. Default: none
  Secret sentinel_password;
};

// [security.session_persistence.jdbc]
struct JdbcPersistence {
  std::string database;                     // name of a [databases.NAME] table. Required for jdbc
  std::string table_prefix = "sessionpp_";  // Default: "sessionpp_"
};

// [security.session_persistence.mongodb]
struct MongoPersistence {
  std::string uri;  // a full mongodb:// URI; when set, host/port/username are not used
  std::string host = "127.0.0.1";       // Default: 127.0.0.1
  std::int64_t port = 27017;            // Default: 27017
  std::string database = "sessionpp";   // Default: "sessionpp"
  std::string username;                 // Default: empty (no authentication)
  Secret password;                      // password | password_env | password_file
  std::string auth_source;              // Default: empty (the driver's default: the database)
  std::string collection = "sessions";  // Default: "sessions"
  Duration timeout = std::chrono::seconds(2);  // Default: 2s
};

// [databases.NAME]
struct DatabaseConfig {
  std::string name;
  std::string url;  // postgresql://, mysql://, mariadb://, sqlite:///path
  Secret password;  // when the URL carries none
};

// [security.session_persistence]
struct PersistenceConfig {
  std::string type = "in-memory";  // in-memory | redis | jdbc | mongodb. Default: in-memory
  RedisPersistence redis;
  JdbcPersistence jdbc;
  MongoPersistence mongodb;
};

// What a type's open function gets.
struct PersistenceContext {
  const PersistenceConfig& config;
  const std::vector<DatabaseConfig>& databases;
  sessionpp::SessionPolicy policy;
};

using PersistenceOpener =
    Result<std::unique_ptr<sessionpp::SessionRepository>> (*)(const PersistenceContext&);

// One opener per type, each in persistence_<type>.cc.
Result<std::unique_ptr<sessionpp::SessionRepository>> open_in_memory_persistence(
    const PersistenceContext& ctx);
Result<std::unique_ptr<sessionpp::SessionRepository>> open_redis_persistence(
    const PersistenceContext& ctx);
Result<std::unique_ptr<sessionpp::SessionRepository>> open_jdbc_persistence(
    const PersistenceContext& ctx);
Result<std::unique_ptr<sessionpp::SessionRepository>> open_mongodb_persistence(
    const PersistenceContext& ctx);

// The known type names, in the order the docs list them.
std::vector<std::string_view> persistence_types();
// True when `type` is a known type name (whether or not this build can open it).
bool is_persistence_type(std::string_view type);

// The configured database called `name`; kInvalidArgument naming the key and listing the
// configured names when there is none.
Result<const DatabaseConfig*> find_database(const std::vector<DatabaseConfig>& databases,
                                            std::string_view name, std::string_view key);

// Opens the store `ctx.config.type` names. Errors name the setting at fault; a type this build
// lacks: "session persistence type 'redis' is not available in this build".
Result<std::unique_ptr<sessionpp::SessionRepository>> open_persistence(
    const PersistenceContext& ctx);

// The error a type returns when this build has no store for it.
sessionpp::Error not_available(std::string_view type);

}  // namespace sessiond
