#include "stores/memory/record.h"

#include <bit>
#include <cstring>
#include <string>

namespace sessionpp::memory {
namespace {

// The value of 8 hex digits (lowercase), loaded little-endian so that digit i is byte i of
// `chars`. '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: bit 6 tells letters from digits, so
// the value of each digit is (c & 0xf) + 9 * bit6(c), computed for all eight bytes at once and
// without a branch (the digits of a SHA-256 are random: a branch would mispredict half the time).
static_assert(std::endian::native == std::endian::little, "parse_hex8 loads digits little-endian");
std::uint32_t parse_hex8(std::uint64_t chars) noexcept {
  constexpr std::uint64_t kLow4 = 0x0f0f0f0f0f0f0f0f;
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  std::uint64_t v = (chars & kLow4) + 9 * ((chars >> 6) & kOnes);  // byte i: digit i
  // Byte pairs into bytes: digit 2k in the high nibble, digit 2k+1 in the low one.
  v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ff;
  // The four bytes side by side (first pair lowest), then the first pair made most significant.
  v = (v | (v >> 8)) & 0x0000ffff0000ffff;
  v = (v | (v >> 16)) & 0x00000000ffffffff;
  return __builtin_bswap32(static_cast<std::uint32_t>(v));
}

// The value of 16 hex digits, the first most significant, in a few operations on whole words
// instead of 16 steps (this runs on every store call).
std::uint64_t parse_hex16(const char* p) noexcept {
  std::uint64_t lo;
  std::uint64_t hi;
  std::memcpy(&lo, p, 8);
  std::memcpy(&hi, p + 8, 8);
  return (std::uint64_t{parse_hex8(lo)} << 32) | parse_hex8(hi);
}

}  // namespace

Key key_of(std::string_view handle) noexcept {
  Key k;
  for (std::size_t j = 0; j < 4; ++j) k.w[j] = parse_hex16(handle.data() + 16 * j);
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
