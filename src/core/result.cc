#include "sessionpp/result.h"

namespace sessionpp {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kGone:
      return "gone";
    case Errc::kConflict:
      return "conflict";
    case Errc::kCorrupt:
      return "corrupt";
    case Errc::kInvalidArgument:
      return "invalid argument";
    case Errc::kReadOnly:
      return "read-only";
    case Errc::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out(sessionpp::to_string(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace sessionpp
