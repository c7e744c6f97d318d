#include "stores/mongo/mongo_target.h"

#include <climits>
#include <cstdio>
#include <mutex>

#include "core/uri.h"

namespace sessionpp::mongo {
namespace {

Error invalid(std::string message) {
  return make_error(Errc::kInvalidArgument, std::move(message));
}

// MongoDB's rules for database names (no /\. "$*<>:|? nor NUL, under 64 bytes).
bool valid_database_name(std::string_view db) {
  if (db.empty() || db.size() >= 64) return false;
  return db.find_first_of(std::string_view("/\\. \"$*<>:|?\0", 13)) == std::string_view::npos;
}

// Collection names: not empty, no '$' nor NUL, not in the reserved "system." space.
bool valid_collection_name(std::string_view c) {
  if (c.empty() || c.size() > 200) return false;
  if (c.starts_with("system.")) return false;
  return c.find_first_of(std::string_view("$\0", 2)) == std::string_view::npos;
}

Result<void> check_timeout(std::chrono::milliseconds t, const char* field) {
  if (t.count() <= 0 || t.count() > INT32_MAX) {
    return invalid(std::string("MongoOptions.") + field + " must be between 1 ms and 2^31-1 ms");
  }
  return {};
}

// Sets a timeout unless the URI already chose one.
void default_option(mongoc_uri_t* uri, const char* name, std::int64_t value) {
  if (!mongoc_uri_has_option(uri, name)) {
    mongoc_uri_set_option_as_int32(uri, name, static_cast<std::int32_t>(value));
  }
}

}  // namespace

namespace {

// libmongoc's default handler prints every level, debug included, to stdout/stderr. Keep
// warnings and worse, with our prefix. The endSessions warning is dropped: servers without
// sessions support (FerretDB v1) refuse it each time a pooled client is destroyed, harmlessly.
void log_handler(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  if (level > MONGOC_LOG_LEVEL_WARNING) return;
  if (std::string_view(message).find("\"endSessions\"") != std::string_view::npos) return;
  std::fprintf(stderr, "sessionpp: libmongoc %s: %s: %s\n", mongoc_log_level_str(level), domain,
               message);
}

}  // namespace

void ensure_mongoc_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    // The handler is process-wide: an application that installs its own after opening the store
    // keeps its own.
    mongoc_log_set_handler(&log_handler, nullptr);
  });
}

std::string redact(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  for (const std::string& s : {std::string(secret), detail::percent_encode(secret)}) {
    for (std::size_t at = message.find(s); at != std::string::npos; at = message.find(s, at + 3)) {
      message.replace(at, s.size(), "***");
    }
  }
  return message;
}

Result<Target> resolve_target(const MongoOptions& o) {
  ensure_mongoc_initialized();
  if (auto r = check_timeout(o.connect_timeout, "connect_timeout"); !r) return std::move(r).error();
  if (auto r = check_timeout(o.socket_timeout, "socket_timeout"); !r) return std::move(r).error();
  if (auto r = check_timeout(o.server_selection_timeout, "server_selection_timeout"); !r) {
    return std::move(r).error();
  }
  if (o.pool_size == 0 || o.pool_size > 10000) {
    return invalid("MongoOptions.pool_size must be between 1 and 10000");
  }
  if (o.purge_batch == 0 || o.purge_batch > 100000) {
    return invalid("MongoOptions.purge_batch must be between 1 and 100000");
  }
  if (!valid_collection_name(o.collection)) {
    return invalid("MongoOptions.collection '" + o.collection +
                   "' is not a valid collection name (1 to 200 bytes, no '$' or NUL, not "
                   "'system.*')");
  }

  Target t;
  t.collection = o.collection;
  bson_error_t err;
  if (!o.uri.empty()) {
    if (!o.uri.starts_with("mongodb://") && !o.uri.starts_with("mongodb+srv://")) {
      return invalid("MongoOptions.uri must start with mongodb:// or mongodb+srv://");
    }
    t.uri.reset(mongoc_uri_new_with_error(o.uri.c_str(), &err));
    if (!t.uri) {
      // libmongoc may quote parts of the URI: scrub anything that looks like its password.
      const auto at = o.uri.find('@');
      const auto colon = o.uri.find(':', o.uri.find("//") + 2);
      std::string pw;
      if (at != std::string::npos && colon != std::string::npos && colon < at) {
        pw = o.uri.substr(colon + 1, at - colon - 1);
      }
      return invalid(
          redact("MongoOptions.uri is not a valid MongoDB URI: " + std::string(err.message), pw));
    }
    if (const char* pw = mongoc_uri_get_password(t.uri.get())) t.password = pw;
    if (const char* user = mongoc_uri_get_username(t.uri.get())) t.username = user;
    if (const char* db = mongoc_uri_get_database(t.uri.get()); db != nullptr && *db != '\0') {
      t.database = db;
    } else {
      t.database = o.database;
    }
    if (!t.username.empty() && !o.auth_source.empty() &&
        !mongoc_uri_has_option(t.uri.get(), MONGOC_URI_AUTHSOURCE)) {
      mongoc_uri_set_auth_source(t.uri.get(), o.auth_source.c_str());
    }
    for (const mongoc_host_list_t* h = mongoc_uri_get_hosts(t.uri.get()); h != nullptr;
         h = h->next) {
      if (!t.where.empty()) t.where += ',';
      t.where += h->host_and_port;
    }
    if (t.where.empty()) t.where = o.uri.substr(0, o.uri.find("://")) + " (srv)";
  } else {
    if (o.host.empty()) return invalid("MongoOptions.host must not be empty");
    if (o.host.find_first_of("/@,?# ") != std::string::npos) {
      return invalid("MongoOptions.host '" + o.host + "' is not a host name or address");
    }
    if (o.port < 1 || o.port > 65535) {
      return invalid("MongoOptions.port must be between 1 and 65535, not " +
                     std::to_string(o.port));
    }
    if (o.username.empty() && !o.password.empty()) {
      return invalid("MongoOptions.password is set but MongoOptions.username is empty");
    }
    t.database = o.database;
    t.username = o.username;
    t.password = o.password;
    t.uri.reset(mongoc_uri_new_for_host_port(o.host.c_str(), static_cast<std::uint16_t>(o.port)));
    if (!t.uri) {
      return invalid("MongoOptions.host '" + o.host + "' is not a host name or address");
    }
    if (!t.username.empty()) {
      mongoc_uri_set_username(t.uri.get(), t.username.c_str());
      mongoc_uri_set_password(t.uri.get(), t.password.c_str());
      const std::string& source = o.auth_source.empty() ? o.database : o.auth_source;
      mongoc_uri_set_auth_source(t.uri.get(), source.c_str());
    }
    t.where = o.host + ":" + std::to_string(o.port);
  }
  if (!valid_database_name(t.database)) {
    return invalid("MongoOptions.database '" + t.database +
                   "' is not a valid database name (1 to 63 bytes, none of /\\. \"$*<>:|?)");
  }
  mongoc_uri_set_database(t.uri.get(), t.database.c_str());
  if (!t.username.empty()) {
    const char* source = mongoc_uri_get_auth_source(t.uri.get());
    t.auth_source = source != nullptr ? source : t.database;
  }
  default_option(t.uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, o.connect_timeout.count());
  default_option(t.uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, o.socket_timeout.count());
  default_option(t.uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                 o.server_selection_timeout.count());
  default_option(t.uri.get(), MONGOC_URI_MAXPOOLSIZE, static_cast<std::int64_t>(o.pool_size));
  if (!mongoc_uri_has_option(t.uri.get(), MONGOC_URI_APPNAME)) {
    mongoc_uri_set_appname(t.uri.get(), "sessionpp");
  }
  return t;
}

}  // namespace sessionpp::mongo
