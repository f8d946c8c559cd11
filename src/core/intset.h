// YottaStore. Licensed under the Apache License 2.0.
// Intset: a sorted array of distinct int64 in one allocation, the "intset"
// encoding of small all-integer sets (Redis's idea, our own layout):
//   [width u32: 2, 4 or 8][count u32][count little-endian ints of `width` bytes]
// The width grows to fit the widest member and never shrinks. Lookup is a
// binary search; insert/remove move the tail (keep intsets small).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace yotta::intset {

uint8_t* New();
void Free(uint8_t* is);
uint8_t* Clone(const uint8_t* is);
size_t Bytes(const uint8_t* is);  // allocated bytes
uint32_t Len(const uint8_t* is);
int64_t Get(const uint8_t* is, uint32_t i);  // REQUIRES i < Len
bool Contains(const uint8_t* is, int64_t v);
// Returns the (possibly moved) intset; *added says whether v was new.
uint8_t* Add(uint8_t* is, int64_t v, bool* added);
uint8_t* Remove(uint8_t* is, int64_t v, bool* removed);
// Largest decimal length of a member (for listpack conversion checks).
size_t MaxDecimalLen(const uint8_t* is);

// DUMP/RESTORE: the raw bytes; FromRaw validates everything (width, count,
// size, strictly ascending) and returns nullptr on any mismatch.
std::string_view Raw(const uint8_t* is);
uint8_t* FromRaw(std::string_view raw);

}  // namespace yotta::intset
