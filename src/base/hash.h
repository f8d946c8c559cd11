// YottaStore. Licensed under the Apache License 2.0.
// Hashing: a fast 64-bit hash for hash tables, and Redis Cluster's CRC16 slot
// function with {hash tag} support.
#pragma once

#include <cstdint>
#include <string_view>

namespace yotta {

inline constexpr uint32_t kNumSlots = 16384;

// 64-bit hash of `s`, seeded; good avalanche, not cryptographic.
uint64_t Hash64(std::string_view s, uint64_t seed = 0x9E3779B97F4A7C15ull);

// CRC16-CCITT (XModem), as Redis Cluster uses.
uint16_t Crc16(std::string_view s);

// The part of `key` that is hashed for slots: the first non-empty {...}
// substring if there is one, else the whole key (Redis Cluster's rule).
std::string_view HashTag(std::string_view key);

// CRC16(HashTag(key)) mod 16384.
inline uint32_t KeySlot(std::string_view key) { return Crc16(HashTag(key)) & (kNumSlots - 1); }

}  // namespace yotta
