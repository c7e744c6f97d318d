#include "sessionpp/session.h"

#include <algorithm>
#include <charconv>

namespace sessionpp {
namespace {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

Result<void> validate_attribute_name(std::string_view name) {
  if (name.empty()) {
    return make_error(Errc::kInvalidArgument, "attribute name is empty");
  }
  if (name.size() > kMaxAttributeNameBytes) {
    return make_error(Errc::kInvalidArgument, "attribute name is " + std::to_string(name.size()) +
                                                  " bytes; the limit is " +
                                                  std::to_string(kMaxAttributeNameBytes));
  }
  if (!is_valid_utf8(name)) {
    return make_error(Errc::kInvalidArgument, "attribute name is not valid UTF-8");
  }
  return {};
}

std::optional<Timestamp> expiry_of(Timestamp last_accessed, Duration max_inactive,
                                   std::optional<Timestamp> absolute_deadline) noexcept {
  std::optional<Timestamp> idle;
  if (max_inactive.count() >= 0) idle = last_accessed + max_inactive;
  if (!absolute_deadline) return idle;
  if (!idle) return absolute_deadline;
  return std::min(*idle, *absolute_deadline);
}

Session::Session(std::optional<SessionId> id, std::string handle, SessionData data, bool is_new,
                 std::size_t max_value_bytes)
    : id_(std::move(id)),
      handle_(std::move(handle)),
      data_(std::move(data)),
      stored_last_accessed_(data_.last_accessed),
      max_value_bytes_(max_value_bytes),
      is_new_(is_new) {}

std::optional<Timestamp> Session::expires_at() const noexcept {
  return expiry_of(data_.last_accessed, data_.max_inactive, data_.absolute_deadline);
}

bool Session::is_expired(Timestamp now) const noexcept {
  const auto at = expires_at();
  return at && now >= *at;
}

void Session::set_principal(std::string principal) {
  if (principal == data_.principal) return;
  data_.principal = std::move(principal);
  metadata_changed_ = true;
}

void Session::set_max_inactive(Duration max_inactive) {
  if (max_inactive == data_.max_inactive) return;
  data_.max_inactive = max_inactive;
  metadata_changed_ = true;
}

void Session::set_absolute_deadline(std::optional<Timestamp> deadline) {
  if (deadline == data_.absolute_deadline) return;
  data_.absolute_deadline = deadline;
  metadata_changed_ = true;
}

void Session::touch(Timestamp now) noexcept {
  if (now > data_.last_accessed) data_.last_accessed = now;
}

const std::string* Session::attribute(std::string_view name) const {
  const auto it = data_.attributes.find(name);
  return it == data_.attributes.end() ? nullptr : &it->second;
}

Result<void> Session::set_attribute(std::string_view name, std::string value) {
  if (auto ok = validate_attribute_name(name); !ok) return ok;
  if (value.size() > max_value_bytes_) {
    return make_error(Errc::kInvalidArgument, "value of attribute '" + std::string(name) + "' is " +
                                                  std::to_string(value.size()) +
                                                  " bytes; the limit is " +
                                                  std::to_string(max_value_bytes_));
  }
  auto it = data_.attributes.find(name);
  if (it == data_.attributes.end()) {
    data_.attributes.emplace(std::string(name), std::move(value));
  } else {
    it->second = std::move(value);
  }
  changed_.emplace(name);
  return {};
}

bool Session::remove_attribute(std::string_view name) {
  const auto it = data_.attributes.find(name);
  if (it == data_.attributes.end()) return false;
  data_.attributes.erase(it);
  changed_.emplace(name);
  return true;
}

Result<void> Session::set_int(std::string_view name, std::int64_t value) {
  return set_attribute(name, std::to_string(value));
}

std::optional<std::int64_t> Session::get_int(std::string_view name) const {
  const std::string* v = attribute(name);
  if (v == nullptr || v->empty()) return std::nullopt;
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) return std::nullopt;
  return out;
}

void Session::mark_saved() noexcept {
  is_new_ = false;
  metadata_changed_ = false;
  changed_.clear();
  stored_last_accessed_ = data_.last_accessed;
}

}  // namespace sessionpp
