#pragma once

#include <functional>
#include <string_view>

#include "stores/redis/connection.h"

namespace sessionpp::redis {

// Whether the server publishes expired-key notifications (notify-keyspace-events containing E
// and x, or E and A), by CONFIG GET where ACLs and managed services allow it; logs the answer, or
// how to enable them. False when unknown. Never runs CONFIG SET and never fails: the store does
// not depend on notifications (purge_expired reports expired sessions too).
bool check_keyspace_events(Connection& conn, const std::function<void(std::string_view)>& log);

}  // namespace sessionpp::redis
