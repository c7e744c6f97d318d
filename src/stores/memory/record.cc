#include "stores/memory/record.h"

#include <string>

namespace sessionpp::memory {
namespace {

// '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: bit 6 tells letters from digits. No branch: the
// digits of a SHA-256 are random, so a branch here would mispredict half the time.
std::uint64_t hex_value(char c) noexcept {
  const auto u = static_cast<std::uint64_t>(static_cast<unsigned char>(c));
  return (u & 0xf) + 9 * (u >> 6);
}

}  // namespace

Key key_of(std::string_view handle) noexcept {
  Key k;
  for (std::size_t i = 0; i < 32; ++i) {
    const std::uint64_t byte = (hex_value(handle[2 * i]) << 4) | hex_value(handle[2 * i + 1]);
    k.w[i / 8] |= byte << (8 * (7 - i % 8));
  }
  return k;
}

std::string handle_of_key(const Key& k) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '\0');
  for (std::size_t i = 0; i < 32; ++i) {
    const auto byte = static_cast<unsigned>((k.w[i / 8] >> (8 * (7 - i % 8))) & 0xff);
    out[2 * i] = kHex[byte >> 4];
    out[2 * i + 1] = kHex[byte & 0xf];
  }
  return out;
}

}  // namespace sessionpp::memory
