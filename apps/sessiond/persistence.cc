#include "persistence.h"

#include <algorithm>
#include <utility>

namespace sessiond {
namespace {

struct PersistenceType {
  std::string_view name;
  PersistenceOpener open;
};

// Adding a type: write its opener in persistence_<type>.cc and add one row here.
constexpr PersistenceType kTypes[] = {
    {"in-memory", &open_in_memory_persistence},
    {"redis", &open_redis_persistence},
    {"jdbc", &open_jdbc_persistence},
    {"mongodb", &open_mongodb_persistence},
};

}  // namespace

std::vector<std::string_view> persistence_types() {
  std::vector<std::string_view> out;
  for (const auto& t : kTypes) out.push_back(t.name);
  return out;
}

bool is_persistence_type(std::string_view type) {
  return std::any_of(std::begin(kTypes), std::end(kTypes),
                     [&](const PersistenceType& t) { return t.name == type; });
}

sessionpp::Error not_available(std::string_view type) {
  return sessionpp::make_error(
      sessionpp::Errc::kInvalidArgument,
      "session persistence type '" + std::string(type) + "' is not available in this build");
}

Result<const DatabaseConfig*> find_database(const std::vector<DatabaseConfig>& databases,
                                            std::string_view name, std::string_view key) {
  for (const auto& db : databases) {
    if (db.name == name) return &db;
  }
  std::string known;
  for (const auto& db : databases) known += (known.empty() ? "" : ", ") + db.name;
  if (known.empty()) known = "none; add a [databases.NAME] table with a url";
  return sessionpp::make_error(sessionpp::Errc::kInvalidArgument,
                               std::string(key) + ": '" + std::string(name) +
                                   "' is not a configured database (configured: " + known + ")");
}

Result<std::unique_ptr<sessionpp::SessionRepository>> open_persistence(
    const PersistenceContext& ctx) {
  for (const auto& t : kTypes) {
    if (t.name == ctx.config.type) return t.open(ctx);
  }
  std::string known;
  for (const auto& t : kTypes) known += (known.empty() ? "" : ", ") + std::string(t.name);
  return sessionpp::make_error(sessionpp::Errc::kInvalidArgument,
                               "security.session_persistence.type: unknown type '" +
                                   ctx.config.type + "' (one of: " + known + ")");
}

}  // namespace sessiond
