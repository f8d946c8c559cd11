// YottaStore. Licensed under the Apache License 2.0.
// Hash64 is a multiply-mix hash over 8-byte words (wyhash-style folding);
// Crc16 is table driven with the XModem polynomial 0x1021.
#include "base/hash.h"

#include <cstring>

namespace yotta {
namespace {

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t LoadTail(const char* p, size_t n) {  // 1..7 bytes
  uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

struct Crc16Table {
  uint16_t t[256];
  constexpr Crc16Table() : t{} {
    for (int i = 0; i < 256; ++i) {
      uint16_t crc = static_cast<uint16_t>(i << 8);
      for (int b = 0; b < 8; ++b) crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : (crc << 1);
      t[i] = crc;
    }
  }
};
constexpr Crc16Table kCrc16;

}  // namespace

uint64_t Hash64(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ Mix(n ^ kP0, kP1);
  while (n >= 16) {
    h = Mix(Load64(p) ^ kP1 ^ h, Load64(p + 8) ^ kP2);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    h = Mix(Load64(p) ^ kP1, h ^ kP2);
    p += 8;
    n -= 8;
  }
  if (n > 0) h = Mix(LoadTail(p, n) ^ kP2, h ^ kP0);
  return Mix(h ^ kP0, kP1 ^ s.size());
}

uint16_t Crc16(std::string_view s) {
  uint16_t crc = 0;
  for (unsigned char c : s) crc = static_cast<uint16_t>((crc << 8) ^ kCrc16.t[((crc >> 8) ^ c) & 0xff]);
  return crc;
}

std::string_view HashTag(std::string_view key) {
  size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

}  // namespace yotta
