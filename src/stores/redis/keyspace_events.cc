#include "stores/redis/keyspace_events.h"

#include <string>

namespace sessionpp::redis {

bool check_keyspace_events(Connection& conn, const std::function<void(std::string_view)>& log) {
  constexpr std::string_view kHow =
      "to have Redis publish them, set `notify-keyspace-events Ex` in redis.conf or your "
      "provider's parameter group; sessionpp never runs CONFIG SET. Until then, expired sessions "
      "are reported by purge_expired()";
  auto reply = conn.command({{"CONFIG", "GET", "notify-keyspace-events"}, {}});
  if (!reply) {
    log("could not check notify-keyspace-events: " + reply.error().message);
    return false;
  }
  if (auto ok = conn.check(**reply, "CONFIG GET"); !ok) {
    log("cannot read notify-keyspace-events (CONFIG GET is not allowed here): " +
        std::string(kHow));
    return false;
  }
  const std::string_view flags = reply_str(reply_at(reply->get(), 1));
  const bool keyevent = flags.find('E') != std::string_view::npos;
  const bool expired =
      flags.find('x') != std::string_view::npos || flags.find('A') != std::string_view::npos;
  if (keyevent && expired) {
    log("keyspace notifications for expired keys are on (notify-keyspace-events '" +
        std::string(flags) + "'): sessions Redis expires are reported at once");
    return true;
  }
  log("keyspace notifications for expired keys are off (notify-keyspace-events '" +
      std::string(flags) + "'): " + std::string(kHow));
  return false;
}

}  // namespace sessionpp::redis
