#pragma once

#include "sessionpp/redis_store.h"
#include "sessionpp/result.h"

#include <string>
#include <string_view>
#include <utility>

namespace sessionpp::redis {

// "host:port", "[v6]:port" or "host" (default_port) -> host (no brackets), port.
Result<std::pair<std::string, int>> parse_address(std::string_view text, int default_port);

// Ok when every option is in range; otherwise kInvalidArgument naming the option.
Result<void> validate(const RedisOptions& o);

}  // namespace sessionpp::redis
