// YottaStore. Licensed under the Apache License 2.0.
#include "core/intset.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "base/str_util.h"

namespace yotta::intset {
namespace {

constexpr size_t kHeader = 8;

uint32_t Width(const uint8_t* is) {
  uint32_t w;
  std::memcpy(&w, is, 4);
  return w;
}
void SetWidth(uint8_t* is, uint32_t w) { std::memcpy(is, &w, 4); }
void SetLen(uint8_t* is, uint32_t n) { std::memcpy(is + 4, &n, 4); }

uint32_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t GetW(const uint8_t* is, uint32_t w, uint32_t i) {
  const uint8_t* p = is + kHeader + static_cast<size_t>(i) * w;
  if (w == 2) {
    int16_t x;
    std::memcpy(&x, p, 2);
    return x;
  }
  if (w == 4) {
    int32_t x;
    std::memcpy(&x, p, 4);
    return x;
  }
  int64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

void SetW(uint8_t* is, uint32_t w, uint32_t i, int64_t v) {
  uint8_t* p = is + kHeader + static_cast<size_t>(i) * w;
  if (w == 2) {
    int16_t x = static_cast<int16_t>(v);
    std::memcpy(p, &x, 2);
  } else if (w == 4) {
    int32_t x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
  } else {
    std::memcpy(p, &v, 8);
  }
}

uint8_t* Resize(uint8_t* is, size_t n) {
  auto* p = static_cast<uint8_t*>(std::realloc(is, n));
  if (!p) throw std::bad_alloc();
  return p;
}

// Index of the first member >= v; *found if equal.
uint32_t Search(const uint8_t* is, int64_t v, bool* found) {
  uint32_t lo = 0, hi = Len(is), w = Width(is);
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (GetW(is, w, mid) < v) lo = mid + 1;
    else hi = mid;
  }
  *found = lo < Len(is) && GetW(is, w, lo) == v;
  return lo;
}

}  // namespace

uint8_t* New() {
  auto* is = static_cast<uint8_t*>(std::malloc(kHeader));
  if (!is) throw std::bad_alloc();
  SetWidth(is, 2);
  SetLen(is, 0);
  return is;
}

void Free(uint8_t* is) { std::free(is); }

uint8_t* Clone(const uint8_t* is) {
  size_t n = kHeader + static_cast<size_t>(Len(is)) * Width(is);
  auto* c = static_cast<uint8_t*>(std::malloc(n));
  if (!c) throw std::bad_alloc();
  std::memcpy(c, is, n);
  return c;
}

size_t Bytes(const uint8_t* is) { return malloc_usable_size(const_cast<uint8_t*>(is)); }

uint32_t Len(const uint8_t* is) {
  uint32_t n;
  std::memcpy(&n, is + 4, 4);
  return n;
}

int64_t Get(const uint8_t* is, uint32_t i) { return GetW(is, Width(is), i); }

bool Contains(const uint8_t* is, int64_t v) {
  if (WidthFor(v) > Width(is)) return false;
  bool found;
  Search(is, v, &found);
  return found;
}

uint8_t* Add(uint8_t* is, int64_t v, bool* added) {
  uint32_t w = Width(is), n = Len(is);
  uint32_t nw = WidthFor(v);
  if (nw > w) {
    // Upgrade: v is beyond every member, so it goes first or last. Widen
    // from the back so no member is overwritten before it is moved.
    is = Resize(is, kHeader + static_cast<size_t>(n + 1) * nw);
    bool front = v < 0;
    for (uint32_t i = n; i-- > 0;) SetW(is, nw, i + (front ? 1 : 0), GetW(is, w, i));
    SetWidth(is, nw);
    SetW(is, nw, front ? 0 : n, v);
    SetLen(is, n + 1);
    *added = true;
    return is;
  }
  bool found;
  uint32_t pos = Search(is, v, &found);
  *added = !found;
  if (found) return is;
  is = Resize(is, kHeader + static_cast<size_t>(n + 1) * w);
  uint8_t* at = is + kHeader + static_cast<size_t>(pos) * w;
  std::memmove(at + w, at, static_cast<size_t>(n - pos) * w);
  SetW(is, w, pos, v);
  SetLen(is, n + 1);
  return is;
}

uint8_t* Remove(uint8_t* is, int64_t v, bool* removed) {
  *removed = false;
  if (WidthFor(v) > Width(is)) return is;
  bool found;
  uint32_t pos = Search(is, v, &found);
  if (!found) return is;
  uint32_t w = Width(is), n = Len(is);
  uint8_t* at = is + kHeader + static_cast<size_t>(pos) * w;
  std::memmove(at, at + w, static_cast<size_t>(n - pos - 1) * w);
  SetLen(is, n - 1);
  *removed = true;
  return Resize(is, kHeader + static_cast<size_t>(n - 1) * w);
}

size_t MaxDecimalLen(const uint8_t* is) {
  uint32_t n = Len(is);
  if (n == 0) return 0;
  // The extremes have the most digits (the minimum may carry a '-').
  size_t a = IntLen(Get(is, 0)), b = IntLen(Get(is, n - 1));
  return a > b ? a : b;
}

std::string_view Raw(const uint8_t* is) {
  return {reinterpret_cast<const char*>(is), kHeader + static_cast<size_t>(Len(is)) * Width(is)};
}

uint8_t* FromRaw(std::string_view raw) {
  if (raw.size() < kHeader) return nullptr;
  auto* src = reinterpret_cast<const uint8_t*>(raw.data());
  uint32_t w = Width(src), n = Len(src);
  if (w != 2 && w != 4 && w != 8) return nullptr;
  if (raw.size() != kHeader + static_cast<uint64_t>(n) * w) return nullptr;
  for (uint32_t i = 1; i < n; ++i) {
    if (GetW(src, w, i - 1) >= GetW(src, w, i)) return nullptr;
  }
  auto* is = static_cast<uint8_t*>(std::malloc(raw.size()));
  if (!is) throw std::bad_alloc();
  std::memcpy(is, raw.data(), raw.size());
  return is;
}

}  // namespace yotta::intset
