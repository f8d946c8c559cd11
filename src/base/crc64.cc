// YottaStore. Licensed under the Apache License 2.0.
#include "base/crc64.h"

#include <array>

namespace yotta {
namespace {
// Table-driven over the reversed polynomial (0x95ac9329ac4bc9b5).
constexpr std::array<uint64_t, 256> MakeTable() {
  std::array<uint64_t, 256> t{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x95ac9329ac4bc9b5ull : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr std::array<uint64_t, 256> kTable = MakeTable();
}  // namespace

uint64_t Crc64(std::string_view s) {
  uint64_t crc = 0;
  for (unsigned char c : s) crc = kTable[(crc ^ c) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace yotta
