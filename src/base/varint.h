// YottaStore. Licensed under the Apache License 2.0.
// LEB128 varints (7 bits per byte, low first), as every compact encoding
// and DUMP payload here writes lengths. The string forms are for payloads
// (bounds-checked reads of untrusted bytes); the pointer forms for our own
// in-memory nodes, whose bytes we wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yotta {

inline size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, PutVarint(buf, v) - buf);
}

// Reads a varint we wrote ourselves (no bounds check).
inline const char* GetVarint(const char* p, uint64_t* v) {
  uint64_t r = 0;
  int shift = 0;
  while (static_cast<uint8_t>(*p) & 0x80) {
    r |= static_cast<uint64_t>(*p++ & 0x7f) << shift;
    shift += 7;
  }
  r |= static_cast<uint64_t>(static_cast<uint8_t>(*p++)) << shift;
  *v = r;
  return p;
}

// Reads a varint from the front of untrusted bytes; false if truncated or
// longer than 64 bits.
inline bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace yotta
