#pragma once

#include "core/c_deleter.h"

namespace sessionpp::sql {

using detail::CDeleter;

}  // namespace sessionpp::sql
