#pragma once

#include <functional>
#include <string_view>

#include "stores/redis/connection.h"

namespace sessionpp::redis {

// Reports, through `log`, whether the server publishes expired-key notifications
// (notify-keyspace-events containing E and x, or E and A), using CONFIG GET where ACLs and
// managed services allow it, and how to enable them where not. Never runs CONFIG SET and never
// fails: the store does not depend on notifications (purge_expired reports expired sessions).
void check_keyspace_events(Connection& conn, const std::function<void(std::string_view)>& log);

}  // namespace sessionpp::redis
