#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sessionpp/clock.h"
#include "sessionpp/result.h"
#include "sessionpp/session_id.h"

namespace sessionpp {

// Attribute names are UTF-8, 1 to 200 bytes. Values are bytes, at most the repository's
// SessionPolicy::max_value_bytes (default 64 KiB).
inline constexpr std::size_t kMaxAttributeNameBytes = 200;
inline constexpr std::size_t kDefaultMaxValueBytes = 64 * 1024;

// Ok when `name` is a valid attribute name; otherwise kInvalidArgument naming the rule broken.
Result<void> validate_attribute_name(std::string_view name);

using AttributeMap = std::map<std::string, std::string, std::less<>>;

// The persistent state of a session as a store holds it (everything but the raw id).
struct SessionData {
  Timestamp created{};
  Timestamp last_accessed{};
  // < 0: never expires; 0: already expired; otherwise idle timeout.
  Duration max_inactive{};
  // Hard cap regardless of activity; nullopt: none.
  std::optional<Timestamp> absolute_deadline;
  // The signed-in user; empty: none.
  std::string principal;
  AttributeMap attributes;
};

// When a session with these times expires; nullopt when it never does.
// The session is expired when now >= the returned time.
std::optional<Timestamp> expiry_of(Timestamp last_accessed, Duration max_inactive,
                                   std::optional<Timestamp> absolute_deadline) noexcept;

// One user session: metadata, attributes and the set of changes made since it was loaded (the
// delta), which is all SessionRepository::save writes. A Session is a value owned by one request;
// it is not safe for concurrent use (two requests each load their own copy).
class Session {
 public:
  // The raw id. Absent for a session loaded by handle (admin tools), which cannot rotate it.
  const std::optional<SessionId>& id() const noexcept { return id_; }
  // Lowercase hex SHA-256 of the id: the only key stores see.
  const std::string& handle() const noexcept { return handle_; }

  Timestamp created() const noexcept { return data_.created; }
  Timestamp last_accessed() const noexcept { return data_.last_accessed; }
  Duration max_inactive() const noexcept { return data_.max_inactive; }
  std::optional<Timestamp> absolute_deadline() const noexcept { return data_.absolute_deadline; }
  std::optional<Timestamp> expires_at() const noexcept;
  bool is_expired(Timestamp now) const noexcept;
  // True until the first successful save.
  bool is_new() const noexcept { return is_new_; }

  const std::string& principal() const noexcept { return data_.principal; }
  void set_principal(std::string principal);
  void set_max_inactive(Duration max_inactive);
  void set_absolute_deadline(std::optional<Timestamp> deadline);

  // Raises last_accessed to `now`; never lowers it.
  void touch(Timestamp now) noexcept;

  // The value of attribute `name`, or nullptr.
  const std::string* attribute(std::string_view name) const;
  const AttributeMap& attributes() const noexcept { return data_.attributes; }
  // Sets `name` to `value` (bytes). kInvalidArgument for a bad name or a value over the limit.
  Result<void> set_attribute(std::string_view name, std::string value);
  // Removes `name`; false when it was not set.
  bool remove_attribute(std::string_view name);

  // Typed helpers over the byte values. Integers are stored as decimal text so every store and
  // every language reads them the same.
  Result<void> set_int(std::string_view name, std::int64_t value);
  // nullopt when absent or not a decimal integer.
  std::optional<std::int64_t> get_int(std::string_view name) const;

  // Names set or removed since the session was loaded or last saved.
  const std::set<std::string, std::less<>>& changed_names() const noexcept { return changed_; }
  // True when principal, max_inactive or the absolute deadline changed since load.
  bool metadata_changed() const noexcept { return metadata_changed_; }
  bool has_changes() const noexcept { return is_new_ || metadata_changed_ || !changed_.empty(); }

  const SessionData& data() const noexcept { return data_; }
  std::size_t max_value_bytes() const noexcept { return max_value_bytes_; }

 private:
  friend class SessionRepository;
  Session(std::optional<SessionId> id, std::string handle, SessionData data, bool is_new,
          std::size_t max_value_bytes);
  void mark_saved() noexcept;

  std::optional<SessionId> id_;
  std::string handle_;
  SessionData data_;
  std::set<std::string, std::less<>> changed_;
  Timestamp stored_last_accessed_{};  // last_accessed as the store holds it, for touch throttling
  std::size_t max_value_bytes_;
  bool is_new_;
  bool metadata_changed_ = false;
};

}  // namespace sessionpp
