#include "sessionpp/session_id.h"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "core/sodium_init.h"

namespace sessionpp {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Each byte's base64url value, or kInvalid. A table, not a chain of range tests: parse() runs on
// every request, and with ids from many users those branches mispredict (about 200 ns per find at
// a million sessions, measured in bench/memory_store_bench).
constexpr std::uint8_t kInvalid = 0x80;
constexpr std::array<std::uint8_t, 256> kValues = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(kInvalid);
  for (std::size_t i = 0; i < kBase64Url.size(); ++i) {
    t[static_cast<unsigned char>(kBase64Url[i])] = static_cast<std::uint8_t>(i);
  }
  return t;
}();

}  // namespace

SessionId SessionId::generate() {
  detail::ensure_sodium();
  std::array<unsigned char, kBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string text(sodium_base64_ENCODED_LEN(kBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                   '\0');
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(kEncodedLength);  // drop the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  return SessionId(std::move(text));
}

std::optional<SessionId> SessionId::parse(std::string_view text) {
  if (text.size() != kEncodedLength) return std::nullopt;
  std::uint8_t any_invalid = 0;  // one test after the loop instead of one per character
  for (char c : text) any_invalid |= kValues[static_cast<unsigned char>(c)];
  if ((any_invalid & kInvalid) != 0) return std::nullopt;
  // 43 characters carry 258 bits; the canonical encoding of 256 bits leaves the last
  // character's two low bits zero. Anything else is not an id we issued.
  if ((kValues[static_cast<unsigned char>(text.back())] & 0x3) != 0) return std::nullopt;
  return SessionId(std::string(text));
}

std::string handle_of(const SessionId& id) {
  detail::ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(id.str().data()),
                     id.str().size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digest.size() * 2, '\0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

bool is_handle(std::string_view text) noexcept {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace sessionpp
