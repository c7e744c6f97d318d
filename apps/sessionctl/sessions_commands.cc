// sessionctl sessions list | revoke | revoke-user | purge: the sessions in the store sessiond's
// file names, through the same store code sessiond uses.
//
//   sessionctl sessions list [--user NAME] [--config FILE]
//   sessionctl sessions revoke HANDLE [--config FILE]
//   sessionctl sessions revoke-user NAME [--config FILE]
//   sessionctl sessions purge [--config FILE]

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "admin_api.h"
#include "commands.h"
#include "common.h"
#include "pages.h"

namespace sessionctl {
namespace {

constexpr const char* kUsageText =
    "usage: sessionctl sessions list [--user NAME] [--config FILE]\n"
    "       sessionctl sessions revoke HANDLE [--config FILE]\n"
    "       sessionctl sessions revoke-user NAME [--config FILE]\n"
    "       sessionctl sessions purge [--config FILE]\n"
    "  list without --user lists the users of [[security.users]] (or admin when there are "
    "none)\n";

int usage() {
  std::fputs(kUsageText, stderr);
  return kUsage;
}

using Repo = std::unique_ptr<sessionpp::SessionRepository>;

// Opens the store; the exit code when it cannot.
std::variant<Repo, int> open_store(const sessiond::Config& c) {
  if (c.security.persistence.type == "in-memory") {
    std::fprintf(stderr,
                 "sessionctl: security.session_persistence.type is in-memory: the sessions live "
                 "inside the sessiond process and sessionctl cannot reach them (use the console, "
                 "/console/, or a shared store)\n");
    return kUsage;
  }
  auto repo = sessiond::open_persistence(sessiond::PersistenceContext{
      c.security.persistence, c.databases,
      sessionpp::SessionPolicy{.max_inactive = c.security.session_timeout}});
  if (!repo) return store_failure("cannot open the session store", repo.error());
  return std::move(*repo);
}

int list(sessionpp::SessionRepository& repo, const sessiond::Config& c,
         const std::optional<std::string>& user) {
  std::vector<std::string> users;
  if (user) {
    users.push_back(*user);
  } else {
    for (const auto& u : c.security.users) users.push_back(u.username);
    if (users.empty()) users.emplace_back("admin");
  }
  std::size_t total = 0;
  std::printf("%-20s %-44s %-24s %-24s %-24s %s\n", "USER", "HANDLE", "CREATED", "LAST ACCESS",
              "EXPIRES", "NODE");
  for (const auto& name : users) {
    auto found = repo.find_by_principal(name);
    if (!found) return store_failure("cannot list the sessions of '" + name + "'", found.error());
    for (const auto& s : *found) {
      std::string node = "-";
      if (auto full = repo.find_by_handle(s.handle); full && *full) {
        if (const std::string* n = (*full)->attribute(sessiond::kNodeAttribute)) node = *n;
      }
      std::printf("%-20s %-44s %-24s %-24s %-24s %s\n", name.c_str(), s.handle.c_str(),
                  sessiond::iso8601(s.created).c_str(), sessiond::iso8601(s.last_accessed).c_str(),
                  s.expires_at ? sessiond::iso8601(*s.expires_at).c_str() : "never", node.c_str());
      ++total;
    }
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%zu session%s\n", total, total == 1 ? "" : "s");
  if (user && total == 0) return kNotFound;
  return kOk;
}

}  // namespace

int sessions_command(const std::vector<std::string>& all) {
  std::vector<std::string> args = all;
  const std::string path = take_config_path(args);
  if (args.empty()) return usage();
  const std::string sub = args[0];
  args.erase(args.begin());
  if (sub == "--help" || sub == "-h") {
    std::fputs(kUsageText, stdout);
    return kOk;
  }
  std::optional<std::string> user;
  if (sub == "list") user = take_option(args, "--user");
  const bool known = sub == "list" || sub == "purge" || sub == "revoke" || sub == "revoke-user";
  const std::size_t want = (sub == "revoke" || sub == "revoke-user") ? 1 : 0;
  if (!known || args.size() != want) return usage();
  if (user && user->empty()) {
    std::fprintf(stderr, "sessionctl: --user: must not be empty\n");
    return kUsage;
  }

  auto config = load(path);
  if (!config) return kUsage;
  auto opened = open_store(*config);
  if (int* code = std::get_if<int>(&opened)) return *code;
  sessionpp::SessionRepository& repo = *std::get<Repo>(opened);

  if (sub == "list") return list(repo, *config, user);
  if (sub == "revoke") {
    auto removed = repo.remove_by_handle(args[0]);
    if (!removed) return store_failure("cannot end session " + args[0], removed.error());
    if (!*removed) {
      std::fprintf(stderr, "sessionctl: no session with handle %s\n", args[0].c_str());
      return kNotFound;
    }
    std::printf("ended session %s\n", args[0].c_str());
    return kOk;
  }
  if (sub == "revoke-user") {
    auto removed = repo.remove_by_principal(args[0]);
    if (!removed) {
      return store_failure("cannot end the sessions of '" + args[0] + "'", removed.error());
    }
    std::printf("ended %zu session%s of %s\n", *removed, *removed == 1 ? "" : "s", args[0].c_str());
    return *removed == 0 ? kNotFound : kOk;
  }
  // purge
  std::size_t total = 0;
  const auto batch = static_cast<std::size_t>(config->security.purge_batch);
  while (true) {
    auto purged = repo.purge_expired(batch);
    if (!purged) return store_failure("cannot purge expired sessions", purged.error());
    total += *purged;
    if (*purged < batch) break;
  }
  std::printf("purged %zu expired session%s\n", total, total == 1 ? "" : "s");
  return kOk;
}

}  // namespace sessionctl
