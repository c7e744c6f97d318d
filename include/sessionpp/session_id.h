#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sessionpp {

// A session id: 256 bits from a CSPRNG, base64url without padding (exactly 43 characters).
// The raw id is a bearer secret: it travels in the cookie and nowhere else. Stores only ever see
// its handle (see handle_of). Value type; thread-compatible.
class SessionId {
 public:
  static constexpr std::size_t kBytes = 32;
  static constexpr std::size_t kEncodedLength = 43;

  // A fresh id from libsodium's CSPRNG.
  static SessionId generate();

  // The id `text` if it has exactly the shape generate() produces (43 base64url characters in
  // canonical form); nullopt for anything else. Never touches a store.
  static std::optional<SessionId> parse(std::string_view text);

  const std::string& str() const noexcept { return text_; }
  friend bool operator==(const SessionId&, const SessionId&) = default;

 private:
  explicit SessionId(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// The handle of a session: lowercase hex SHA-256 of its id (64 characters). Stores key every
// record by the handle, so a dump of a store hands out no live session.
std::string handle_of(const SessionId& id);

// True when `text` has the shape of a handle: exactly 64 lowercase hex digits.
bool is_handle(std::string_view text) noexcept;

}  // namespace sessionpp
