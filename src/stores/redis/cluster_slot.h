#pragma once

// Redis Cluster key slots: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the key's hash
// tag, modulo 16384 — the algorithm of the Redis Cluster specification.

#include <cstdint>
#include <string_view>

namespace sessionpp::redis {

inline constexpr int kClusterSlots = 16384;

std::uint16_t crc16(std::string_view data) noexcept;

// The part of `key` that is hashed: between the first '{' and the first '}' after it when that is
// not empty, else the whole key.
std::string_view hash_tag(std::string_view key) noexcept;

// The slot of `key`, 0 to 16383.
int key_slot(std::string_view key) noexcept;

}  // namespace sessionpp::redis
