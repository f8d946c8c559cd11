// YottaStore. Licensed under the Apache License 2.0.
// Redis's reverse-binary SCAN cursor (dictScan) over a chained table with
// power-of-two bucket arrays, possibly mid-rehash (two arrays). Shared by
// the keyspace (KeyTable), hashes and sets (StrMap) and sorted sets
// (ZSkipList): an element present for a whole iteration is returned at
// least once, however often the table grows or shrinks in between.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace yotta {

inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

// Calls emit(bucket head) for the bucket(s) cursor `v` names and returns the
// next cursor (0 when done). t1 is null unless rehashing. REQUIRES: t0 is
// not null and sizes are powers of two.
template <class Node, class Emit>
uint64_t ScanBuckets(uint64_t v, Node** t0, size_t size0, Node** t1, size_t size1, Emit&& emit) {
  if (!t1) {
    uint64_t m0 = size0 - 1;
    emit(t0[v & m0]);
    v |= ~m0;
    return ReverseBits(ReverseBits(v) + 1);
  }
  // Visit the smaller array's bucket, then every expansion of it in the
  // larger one.
  Node** small = t0;
  Node** large = t1;
  uint64_t ms = size0 - 1, ml = size1 - 1;
  if (size0 > size1) {
    std::swap(small, large);
    std::swap(ms, ml);
  }
  emit(small[v & ms]);
  do {
    emit(large[v & ml]);
    v |= ~ml;
    v = ReverseBits(ReverseBits(v) + 1);
  } while (v & (ms ^ ml));
  return v;
}

}  // namespace yotta
