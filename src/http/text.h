#pragma once

// Small text helpers shared by the HTTP layer's parsers.

#include <algorithm>
#include <cctype>
#include <string_view>

namespace sessionpp::http::detail {

// ASCII case-insensitive equality (header values, cookie attribute names).
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// `s` without leading and trailing spaces and tabs (HTTP optional white space).
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace sessionpp::http::detail
