// YottaStore. Licensed under the Apache License 2.0.
// The hash value object of hash_family.cc. The Entry's object pointer is
// tagged in its low bits with the encoding (no header allocation):
//   tag 0  listpack of field, value, field, value ...   ("listpack")
//   tag 2  StrMap with values                            ("hashtable")
// As Redis: a hash starts as a listpack and becomes a hashtable once a
// field or value is longer than hash-max-listpack-value or it holds more
// than hash-max-listpack-entries fields; never converted back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/listpack.h"
#include "core/str_map.h"

namespace yotta {
class Db;
class Entry;
}  // namespace yotta

namespace yotta::hash_obj {

inline bool IsMap(const void* obj) { return (reinterpret_cast<uintptr_t>(obj) & 3) == 2; }
inline void* Untag(const void* obj) {
  return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(obj) & ~uintptr_t{3});
}
inline uint8_t* Lp(const void* obj) { return static_cast<uint8_t*>(Untag(obj)); }
inline StrMap* Map(const void* obj) { return static_cast<StrMap*>(Untag(obj)); }

void* Create();
// Converts to a hashtable first if any of the strings is too long for the
// listpack (Redis's hashTypeTryConversion over a command's arguments).
void* PrepareFor(void* obj, std::string_view s);
// Sets field = value; *is_new if the field was absent.
void* Set(void* obj, std::string_view field, std::string_view value, bool* is_new);
void* Del(void* obj, std::string_view field, bool* removed);
// The value of field (a view valid until the next mutation).
std::optional<std::string_view> Get(void* obj, std::string_view field);
size_t Size(const void* obj);
std::pair<std::string, std::string> Random(void* obj, uint64_t* rng);

template <class F>
void ForEach(const void* obj, F&& fn) {
  if (IsMap(obj)) {
    const StrMap* m = Map(obj);
    m->ForEach([&](const StrMap::Node* n) { fn(StrMap::Key(n), m->Value(n)); });
    return;
  }
  const uint8_t* lp = Lp(obj);
  for (lp::Pos p = lp::First(lp); p != lp::End(lp);) {
    lp::Pos v = lp::Next(lp, p);
    fn(lp::Get(lp, p), lp::Get(lp, v));
    p = lp::Next(lp, v);
  }
}

// ObjectOps hooks.
void Free(void* obj);
size_t Bytes(const void* obj);
void* Clone(const void* obj);
std::string_view Encoding(const void* obj);
void Dump(const void* obj, std::string* out);
void* Restore(std::string_view payload);
size_t Length(const void* obj);

// Command helpers: the live hash or nullptr (*wrongtype if another type);
// Commit stores the mutated object, fixes memory accounting, deletes the
// key if empty.
Entry* Find(Db& db, std::string_view key, bool read, bool* wrongtype);
void Commit(Db& db, std::string_view key, Entry* e, void* obj, size_t before);

}  // namespace yotta::hash_obj
