#pragma once

#include "sessionpp/redis_store.h"
#include "sessionpp/result.h"

namespace sessionpp::redis {

// Ok when every option is in range; otherwise kInvalidArgument naming the option.
Result<void> validate(const RedisOptions& o);

}  // namespace sessionpp::redis
