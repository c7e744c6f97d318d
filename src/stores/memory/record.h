#pragma once

// A stored session of the memory store, in one heap block, so that a find touches one allocation
// (plus its hash table slot) however many attributes the session holds.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string_view>

#include "sessionpp/clock.h"
#include "sessionpp/session.h"

namespace sessionpp::memory {

// A handle in binary: 32 bytes instead of 64 hex characters.
struct Key {
  std::array<std::uint64_t, 4> w{};
  friend bool operator==(const Key&, const Key&) = default;
};

// REQUIRES: is_handle(handle).
Key key_of(std::string_view handle) noexcept;
std::string handle_of_key(const Key& k);

inline constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::min();

// Longest principal, attribute name or value a record can hold (sizes are stored in 32 bits).
inline constexpr std::size_t kMaxFieldBytes = std::numeric_limits<std::uint32_t>::max();

struct Attribute {
  std::string_view name;
  std::string_view value;
};

// The block is this header followed by the payload:
//   principal bytes, then per attribute, in name order:
//   u32 name size, u32 value size, name bytes, value bytes.
// Times are epoch milliseconds. The header is trivially copyable: a block is raw memory from
// operator new and is freed with operator delete (RecordPtr).
struct Record {
  Key key;
  std::int64_t created;
  std::int64_t last_accessed;
  std::int64_t max_inactive;
  std::int64_t deadline;  // kNoDeadline: none
  std::uint32_t principal_size;
  std::uint32_t attribute_count;

  // The bytes after the header.
  char* payload() noexcept { return reinterpret_cast<char*>(this + 1); }
  const char* payload() const noexcept { return reinterpret_cast<const char*>(this + 1); }

  std::string_view principal() const noexcept { return {payload(), principal_size}; }

  // Calls f(Attribute) for each attribute, in name order.
  template <typename F>
  void for_each_attribute(F&& f) const {
    const char* p = payload() + principal_size;
    for (std::uint32_t i = 0; i < attribute_count; ++i) {
      const Entry e = entry_at(p);
      f(Attribute{e.name, e.value});
      p = e.end;
    }
  }

  // The value bytes of attribute `name` (writable, for an update in place), or nullptr.
  char* find_value(std::string_view name, std::size_t& size) noexcept {
    const char* p = payload() + principal_size;
    for (std::uint32_t i = 0; i < attribute_count; ++i) {
      const Entry e = entry_at(p);
      if (e.name == name) {
        size = e.value.size();
        return const_cast<char*>(e.value.data());
      }
      p = e.end;
    }
    return nullptr;
  }

  std::optional<Timestamp> expires_at() const noexcept {
    return expiry_of(
        from_epoch_ms(last_accessed), Duration(max_inactive),
        deadline == kNoDeadline ? std::nullopt : std::optional<Timestamp>(from_epoch_ms(deadline)));
  }
  bool expired(Timestamp now) const noexcept {
    const auto at = expires_at();
    return at && now >= *at;
  }
  void set_metadata(const SessionData& d) noexcept {
    max_inactive = d.max_inactive.count();
    deadline = d.absolute_deadline ? to_epoch_ms(*d.absolute_deadline) : kNoDeadline;
  }

 private:
  struct Entry {
    std::string_view name;
    std::string_view value;
    const char* end;
  };
  static Entry entry_at(const char* p) noexcept {
    std::uint32_t sizes[2];
    std::memcpy(sizes, p, sizeof(sizes));
    const char* name = p + sizeof(sizes);
    const char* value = name + sizes[0];
    return {{name, sizes[0]}, {value, sizes[1]}, value + sizes[1]};
  }
};

struct RecordDeleter {
  void operator()(Record* r) const noexcept { ::operator delete(r); }
};
using RecordPtr = std::unique_ptr<Record, RecordDeleter>;

// Builds a block from a header (its sizes are ignored), a principal and attributes given as a
// range of pairs (name, value) sorted by name. REQUIRES: every field at most kMaxFieldBytes.
template <typename Range>
RecordPtr build_record(const Record& header, std::string_view principal, const Range& attrs) {
  std::size_t size = sizeof(Record) + principal.size();
  std::uint32_t count = 0;
  for (const auto& [name, value] : attrs) {
    size += 2 * sizeof(std::uint32_t) + name.size() + value.size();
    ++count;
  }
  RecordPtr r(static_cast<Record*>(::operator new(size)));
  std::memcpy(static_cast<void*>(r.get()), &header, sizeof(Record));
  r->principal_size = static_cast<std::uint32_t>(principal.size());
  r->attribute_count = count;
  char* p = std::copy(principal.begin(), principal.end(), r->payload());
  for (const auto& [name, value] : attrs) {
    const std::uint32_t sizes[2] = {static_cast<std::uint32_t>(name.size()),
                                    static_cast<std::uint32_t>(value.size())};
    std::memcpy(p, sizes, sizeof(sizes));
    p = std::copy(name.begin(), name.end(), p + sizeof(sizes));
    p = std::copy(value.begin(), value.end(), p);
  }
  return r;
}

}  // namespace sessionpp::memory
