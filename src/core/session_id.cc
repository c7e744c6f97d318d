#include "sessionpp/session_id.h"

#include <sodium.h>

#include <array>

#include "core/sodium_init.h"

namespace sessionpp {
namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

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
  for (char c : text) {
    if (base64url_value(c) < 0) return std::nullopt;
  }
  // 43 characters carry 258 bits; the canonical encoding of 256 bits leaves the last
  // character's two low bits zero. Anything else is not an id we issued.
  if ((base64url_value(text.back()) & 0x3) != 0) return std::nullopt;
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
