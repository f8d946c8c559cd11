// YottaStore. Licensed under the Apache License 2.0.
// Listpack encoding (see listpack.h). Varints are LEB128; the back length is
// the same varint stored byte-reversed so that it reads from the entry's end.
#include "core/listpack.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace yotta::lp {
namespace {

constexpr uint32_t kHeader = 8;

uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
void Store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

void SetBytes(uint8_t* lp, uint32_t n) { Store32(lp, n); }
void SetCount(uint8_t* lp, uint32_t n) { Store32(lp + 4, n); }

size_t VarLen(uint64_t v) {
  size_t n = 1;
  while (v >= 128) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint8_t* PutVar(uint8_t* p, uint64_t v) {
  while (v >= 128) {
    *p++ = static_cast<uint8_t>((v & 127) | 128);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

// Reads a varint at p, not past `limit`; *n = its size, 0 if malformed.
uint64_t GetVar(const uint8_t* p, const uint8_t* limit, size_t* n) {
  uint64_t v = 0;
  for (size_t i = 0; i < 5 && p + i < limit; ++i) {
    v |= static_cast<uint64_t>(p[i] & 127) << (7 * i);
    if (!(p[i] & 128)) {
      *n = i + 1;
      return v;
    }
  }
  *n = 0;
  return 0;
}

// Writes v's varint reversed so that its low byte sits at end[-1].
void PutBackVar(uint8_t* end, uint64_t v) {
  uint8_t tmp[8];
  size_t n = PutVar(tmp, v) - tmp;
  for (size_t i = 0; i < n; ++i) end[-1 - static_cast<ptrdiff_t>(i)] = tmp[i];
}

// Reads the reversed varint ending at end[-1], not before `floor`.
uint64_t GetBackVar(const uint8_t* end, const uint8_t* floor, size_t* n) {
  uint64_t v = 0;
  for (size_t i = 0; i < 5 && end - 1 - static_cast<ptrdiff_t>(i) >= floor; ++i) {
    uint8_t b = end[-1 - static_cast<ptrdiff_t>(i)];
    v |= static_cast<uint64_t>(b & 127) << (7 * i);
    if (!(b & 128)) {
      *n = i + 1;
      return v;
    }
  }
  *n = 0;
  return 0;
}

size_t EntrySize(size_t len) {
  size_t front = VarLen(len) + len;
  return front + VarLen(front);
}

void Encode(uint8_t* at, std::string_view s) {
  uint8_t* p = PutVar(at, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p += s.size();
  size_t front = p - at;
  PutBackVar(p + VarLen(front), front);
}

// Size in bytes of the entry starting at p.
uint32_t SizeAt(const uint8_t* lp, Pos p) {
  size_t n;
  uint64_t len = GetVar(lp + p, lp + End(lp), &n);
  return static_cast<uint32_t>(EntrySize(len));
}

uint8_t* Resize(uint8_t* lp, size_t bytes) {
  auto* r = static_cast<uint8_t*>(std::realloc(lp, bytes));
  if (!r) throw std::bad_alloc();
  return r;
}

}  // namespace

uint8_t* New() {
  auto* lp = static_cast<uint8_t*>(std::malloc(kHeader));
  if (!lp) throw std::bad_alloc();
  SetBytes(lp, kHeader);
  SetCount(lp, 0);
  return lp;
}

void Free(uint8_t* lp) { std::free(lp); }
size_t Bytes(const uint8_t* lp) { return Load32(lp); }
uint32_t Count(const uint8_t* lp) { return Load32(lp + 4); }

uint8_t* Clone(const uint8_t* lp) {
  auto* c = static_cast<uint8_t*>(std::malloc(Bytes(lp)));
  if (!c) throw std::bad_alloc();
  std::memcpy(c, lp, Bytes(lp));
  return c;
}

Pos First(const uint8_t*) { return kHeader; }
Pos End(const uint8_t* lp) { return Load32(lp); }
Pos Last(const uint8_t* lp) { return Count(lp) == 0 ? End(lp) : Prev(lp, End(lp)); }
Pos Next(const uint8_t* lp, Pos p) { return p + SizeAt(lp, p); }
bool HasPrev(const uint8_t*, Pos p) { return p > kHeader; }

Pos Prev(const uint8_t* lp, Pos p) {
  if (p <= kHeader) return End(lp);
  size_t n;
  uint64_t front = GetBackVar(lp + p, lp + kHeader, &n);
  return static_cast<Pos>(p - n - front);
}

std::string_view Get(const uint8_t* lp, Pos p) {
  size_t n;
  uint64_t len = GetVar(lp + p, lp + End(lp), &n);
  return {reinterpret_cast<const char*>(lp + p + n), static_cast<size_t>(len)};
}

Pos Seek(const uint8_t* lp, int64_t i) {
  int64_t count = Count(lp);
  if (i < 0) i += count;
  if (i < 0 || i >= count) return End(lp);
  if (i <= count / 2) {
    Pos p = First(lp);
    while (i-- > 0) p = Next(lp, p);
    return p;
  }
  Pos p = End(lp);
  for (int64_t k = count - i; k > 0; --k) p = Prev(lp, p);
  return p;
}

Pos Find(const uint8_t* lp, Pos p, std::string_view s, uint32_t skip) {
  Pos end = End(lp);
  while (p < end) {
    if (Get(lp, p) == s) return p;
    p = Next(lp, p);
    for (uint32_t k = 0; k < skip && p < end; ++k) p = Next(lp, p);
  }
  return end;
}

uint8_t* Insert(uint8_t* lp, Pos p, std::string_view s) {
  size_t n = EntrySize(s.size());
  size_t bytes = Bytes(lp);
  lp = Resize(lp, bytes + n);
  std::memmove(lp + p + n, lp + p, bytes - p);
  Encode(lp + p, s);
  SetBytes(lp, static_cast<uint32_t>(bytes + n));
  SetCount(lp, Count(lp) + 1);
  return lp;
}

uint8_t* Append(uint8_t* lp, std::string_view s) { return Insert(lp, End(lp), s); }
uint8_t* Prepend(uint8_t* lp, std::string_view s) { return Insert(lp, First(lp), s); }

uint8_t* Delete(uint8_t* lp, Pos p, uint32_t n) {
  Pos end = End(lp), q = p;
  uint32_t removed = 0;
  while (removed < n && q < end) {
    q = Next(lp, q);
    ++removed;
  }
  std::memmove(lp + p, lp + q, end - q);
  SetBytes(lp, end - (q - p));
  SetCount(lp, Count(lp) - removed);
  return Resize(lp, end - (q - p));
}

uint8_t* Replace(uint8_t* lp, Pos p, std::string_view s) {
  size_t old_size = SizeAt(lp, p), new_size = EntrySize(s.size());
  size_t bytes = Bytes(lp);
  if (new_size > old_size) lp = Resize(lp, bytes - old_size + new_size);
  std::memmove(lp + p + new_size, lp + p + old_size, bytes - p - old_size);
  Encode(lp + p, s);
  size_t total = bytes - old_size + new_size;
  SetBytes(lp, static_cast<uint32_t>(total));
  if (new_size < old_size) lp = Resize(lp, total);
  return lp;
}

std::string_view Raw(const uint8_t* lp) { return {reinterpret_cast<const char*>(lp), Bytes(lp)}; }

uint8_t* FromRaw(std::string_view raw) {
  if (raw.size() < kHeader || raw.size() > UINT32_MAX) return nullptr;
  const auto* b = reinterpret_cast<const uint8_t*>(raw.data());
  if (Load32(b) != raw.size()) return nullptr;
  const uint8_t* end = b + raw.size();
  const uint8_t* p = b + kHeader;
  uint64_t count = 0;
  while (p < end) {
    size_t n, bn;
    uint64_t len = GetVar(p, end, &n);
    if (n == 0 || len > static_cast<uint64_t>(end - p - n)) return nullptr;
    const uint8_t* q = p + n + len;
    uint64_t front = n + len;
    size_t blen = VarLen(front);
    if (blen > static_cast<size_t>(end - q)) return nullptr;
    if (GetBackVar(q + blen, q, &bn) != front || bn != blen) return nullptr;
    p = q + blen;
    ++count;
  }
  if (count != Load32(b + 4)) return nullptr;
  auto* lp = static_cast<uint8_t*>(std::malloc(raw.size()));
  if (!lp) throw std::bad_alloc();
  std::memcpy(lp, raw.data(), raw.size());
  return lp;
}

}  // namespace yotta::lp
