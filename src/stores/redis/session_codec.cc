#include "stores/redis/session_codec.h"

#include <hiredis/hiredis.h>

#include <charconv>

#include "stores/redis/connection.h"

namespace sessionpp::redis::codec {
namespace {

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string attribute_field(std::string_view name) {
  std::string f;
  f.reserve(name.size() + 1);
  f.push_back(kAttributePrefix);
  f.append(name);
  return f;
}

std::string ms_text(Timestamp t) { return std::to_string(to_epoch_ms(t)); }

void encode(const SessionData& d, std::vector<std::string>& out) {
  out.reserve(out.size() + 12 + 2 * d.attributes.size());
  auto put = [&](std::string_view field, std::string value) {
    out.emplace_back(field);
    out.push_back(std::move(value));
  };
  put(kVersion, "1");
  put(kCreated, ms_text(d.created));
  put(kLastAccessed, ms_text(d.last_accessed));
  put(kMaxInactive, std::to_string(d.max_inactive.count()));
  if (d.absolute_deadline) put(kDeadline, ms_text(*d.absolute_deadline));
  if (!d.principal.empty()) put(kPrincipal, d.principal);
  for (const auto& [name, value] : d.attributes) {
    out.push_back(attribute_field(name));
    out.push_back(value);
  }
}

Result<SessionData> decode(const redisReply& fields) {
  if (fields.type != REDIS_REPLY_ARRAY || fields.elements % 2 != 0) {
    return make_error(Errc::kCorrupt, "session hash is not a field/value list");
  }
  SessionData d;
  bool has_created = false, has_accessed = false, has_timeout = false;
  for (std::size_t i = 0; i + 1 < fields.elements; i += 2) {
    const std::string_view f = reply_str(fields.element[i]);
    const std::string_view v = reply_str(fields.element[i + 1]);
    if (f.empty()) continue;
    if (f[0] == kAttributePrefix) {
      d.attributes.emplace(std::string(f.substr(1)), std::string(v));
      continue;
    }
    if (f == kVersion) {
      if (v != "1")
        return make_error(Errc::kCorrupt, "unknown layout version '" + std::string(v) + "'");
      continue;
    }
    if (f == kPrincipal) {
      d.principal.assign(v);
      continue;
    }
    const auto n = parse_int(v);
    if (f == kCreated || f == kLastAccessed || f == kMaxInactive || f == kDeadline) {
      if (!n) return make_error(Errc::kCorrupt, "field " + std::string(f) + " is not an integer");
    }
    if (f == kCreated) {
      d.created = from_epoch_ms(*n);
      has_created = true;
    } else if (f == kLastAccessed) {
      d.last_accessed = from_epoch_ms(*n);
      has_accessed = true;
    } else if (f == kMaxInactive) {
      d.max_inactive = Duration(*n);
      has_timeout = true;
    } else if (f == kDeadline) {
      d.absolute_deadline = from_epoch_ms(*n);
    }
    // Other '#' fields belong to a later layout version of the same major: ignored.
  }
  if (!has_created || !has_accessed || !has_timeout) {
    return make_error(Errc::kCorrupt, "session hash lacks #c, #a or #m");
  }
  return d;
}

}  // namespace sessionpp::redis::codec
