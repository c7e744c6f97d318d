#include "stores/sql/schema.h"

#include <charconv>

namespace sessionpp::sql {
namespace {

// Statement ids of this file; the store's own run from 0, the drivers' from 200.
enum : int { kProbeVersion = 100, kProbeSessions, kProbeAttributes, kProbeDelete, kProbeUpdate };

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos;
       pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

Error with_context(Error e, const std::string& context) {
  e.message = context + ": " + e.message;
  return e;
}

}  // namespace

std::string expand(std::string_view tmpl, const TableNames& t) {
  std::string s(tmpl);
  replace_all(s, "{s}", t.sessions);
  replace_all(s, "{a}", t.attributes);
  replace_all(s, "{v}", t.version);
  return s;
}

std::vector<std::string> schema_statements(std::string_view schema_sql, const TableNames& t) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  while (pos < schema_sql.size()) {
    std::size_t eol = schema_sql.find('\n', pos);
    if (eol == std::string_view::npos) eol = schema_sql.size();
    std::string_view line = schema_sql.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.starts_with("--") || line.empty()) continue;
    current.append(line);
    current.push_back('\n');
    if (line.ends_with(";")) {
      current.resize(current.size() - 2);  // the ';' and the newline
      replace_all(current, "sessionpp_", t.prefix);
      out.push_back(std::move(current));
      current.clear();
    }
  }
  return out;
}

Result<void> prepare_schema(Driver& driver, Connection& c, const TableNames& t, bool create,
                            const std::string& db) {
  if (auto r = driver.check_writable(c); !r) return r;
  const Dialect& d = driver.dialect();

  if (create) {
    const std::string key = "schema:" + t.prefix;
    auto locked = driver.lock(c, key, /*wait=*/true);
    if (!locked) return with_context(std::move(locked).error(), "creating the schema");
    Result<void> created;
    for (const std::string& stmt : schema_statements(d.schema_sql, t)) {
      created = c.exec(stmt);
      if (!created) break;
    }
    if (*locked) (void)driver.unlock(c, key);
    if (!created) return with_context(std::move(created).error(), "creating the schema");
  }

  // Verify: every table and column we use, and the version.
  const std::string how = create ? std::string()
                                 : " (SqlStoreOptions.create_schema is false: create it with " +
                                       std::string(d.schema_file) + ")";
  auto missing = [&](const std::string& table, Error e) -> Error {
    if (is_transient(e.code) || e.code == Errc::kReadOnly) return e;
    return make_error(Errc::kInvalidArgument, "database '" + db + "': table " + table +
                                                  " is missing or lacks a column" + how + ": " +
                                                  e.message);
  };
  auto version = c.run(kProbeVersion, expand("SELECT version FROM {v} WHERE id = 1", t), {});
  if (!version) return missing(t.version, std::move(version).error());
  if (version->rows.empty() || !version->rows[0][0]) {
    return make_error(Errc::kInvalidArgument,
                      "database '" + db + "': table " + t.version + " holds no version row" + how);
  }
  const std::string& v = *version->rows[0][0];
  int found = 0;
  std::from_chars(v.data(), v.data() + v.size(), found);
  if (found != kSchemaVersion) {
    return make_error(Errc::kInvalidArgument,
                      "database '" + db + "': the sessionpp schema is version " + v +
                          ", this sessionpp uses version " + std::to_string(kSchemaVersion));
  }
  auto sessions = c.run(kProbeSessions,
                        expand("SELECT id, handle, created, last_accessed, max_inactive, "
                               "absolute_deadline, expires_at, principal FROM {s} WHERE id = -1",
                               t),
                        {});
  if (!sessions) return missing(t.sessions, std::move(sessions).error());
  auto attributes =
      c.run(kProbeAttributes,
            expand("SELECT session_id, name, value FROM {a} WHERE session_id = -1", t), {});
  if (!attributes) return missing(t.attributes, std::move(attributes).error());

  // Write probes that change nothing, rolled back: a read-only server or missing grants fail
  // them, whatever the reason.
  if (auto r = c.exec(std::string(d.begin_write)); !r) return r;
  auto del = c.run(kProbeDelete, expand("DELETE FROM {a} WHERE session_id = -1", t), {});
  Result<QueryResult> upd = del ? c.run(kProbeUpdate,
                                        expand("UPDATE {s} SET last_accessed = last_accessed "
                                               "WHERE id = -1",
                                               t),
                                        {})
                                : std::move(del).error();
  if (!c.broken()) (void)c.exec("ROLLBACK");
  if (!upd) {
    Error e = std::move(upd).error();
    if (e.code == Errc::kReadOnly) e.message = "refuses writes: " + e.message;
    return e;
  }
  return {};
}

}  // namespace sessionpp::sql
