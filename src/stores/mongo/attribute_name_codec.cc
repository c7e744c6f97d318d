#include "stores/mongo/attribute_name_codec.h"

namespace sessionpp::mongo {

std::string encode_attribute_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '.':
        out += "%2E";
        break;
      case '$':
        out += "%24";
        break;
      case '\0':
        out += "%00";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> decode_attribute_name(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c == '.' || c == '$' || c == '\0') return std::nullopt;
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (field.size() - i < 3) return std::nullopt;  // '%' needs two hex digits after it
    const std::string_view esc = field.substr(i + 1, 2);
    if (esc == "25") {
      out.push_back('%');
    } else if (esc == "2E") {
      out.push_back('.');
    } else if (esc == "24") {
      out.push_back('$');
    } else if (esc == "00") {
      out.push_back('\0');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

}  // namespace sessionpp::mongo
