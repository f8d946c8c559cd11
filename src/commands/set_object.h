// YottaStore. Licensed under the Apache License 2.0.
// The set value object shared by set_family.cc and set_algebra.cc. The
// Entry's object pointer is tagged in its low bits with the encoding, so a
// set costs no header allocation beyond its payload:
//   tag 0  listpack of members        ("listpack")
//   tag 1  intset (core/intset.h)     ("intset")
//   tag 2  StrMap without values      ("hashtable")
// Encodings follow Redis 7.2 (setTypeCreate/setTypeAdd): a new set is an
// intset if its first member is an integer, else a listpack when the size
// hint fits set-max-listpack-entries, else a hashtable; an intset becomes a
// listpack (or hashtable) when a non-integer arrives or it passes
// set-max-intset-entries, a listpack a hashtable past
// set-max-listpack-entries/-value. Never converted back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/str_util.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/str_map.h"

namespace yotta::set_obj {

enum class Enc { kListpack = 0, kIntset = 1, kHashtable = 2 };

inline Enc EncOf(const void* obj) { return static_cast<Enc>(reinterpret_cast<uintptr_t>(obj) & 3); }
inline void* Untag(const void* obj) {
  return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(obj) & ~uintptr_t{3});
}
inline void* Tag(void* p, Enc e) {
  return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(p) | static_cast<uintptr_t>(e));
}
inline uint8_t* Lp(const void* obj) { return static_cast<uint8_t*>(Untag(obj)); }
inline uint8_t* Is(const void* obj) { return static_cast<uint8_t*>(Untag(obj)); }
inline StrMap* Map(const void* obj) { return static_cast<StrMap*>(Untag(obj)); }

// An empty set able to hold `first`, sized for `size_hint` members.
void* Create(std::string_view first, size_t size_hint);
// An empty intset-encoded set (the start of SINTERSTORE-style results).
void* CreateIntset();
// Adds m; returns the (possibly re-encoded or moved) object.
void* Add(void* obj, std::string_view m, bool* added);
void* Remove(void* obj, std::string_view m, bool* removed);
bool Contains(void* obj, std::string_view m);
size_t Size(const void* obj);

void Free(void* obj);
size_t Bytes(const void* obj);
void* Clone(const void* obj);
std::string_view Encoding(const void* obj);
void Dump(const void* obj, std::string* out);
void* Restore(std::string_view payload);
size_t Length(const void* obj);

// One uniformly random member.
std::string RandomMember(void* obj, uint64_t* rng);
// A per-thread random state for the sampling commands.
uint64_t* Rng();

// Calls fn(std::string_view) for members until it returns false.
template <class F>
void ForEachWhile(const void* obj, F&& fn) {
  switch (EncOf(obj)) {
    case Enc::kListpack: {
      const uint8_t* lp = Lp(obj);
      for (lp::Pos p = lp::First(lp); p != lp::End(lp); p = lp::Next(lp, p))
        if (!fn(lp::Get(lp, p))) return;
      break;
    }
    case Enc::kIntset: {
      const uint8_t* is = Is(obj);
      std::string buf;
      for (uint32_t i = 0, n = intset::Len(is); i < n; ++i) {
        buf.clear();
        AppendInt(&buf, intset::Get(is, i));
        if (!fn(std::string_view(buf))) return;
      }
      break;
    }
    case Enc::kHashtable:
      Map(obj)->ForEachWhile([&](const StrMap::Node* n) { return fn(StrMap::Key(n)); });
      break;
  }
}

// Calls fn(std::string_view) for every member.
template <class F>
void ForEach(const void* obj, F&& fn) {
  ForEachWhile(obj, [&](std::string_view m) {
    fn(m);
    return true;
  });
}

std::vector<std::string> Members(const void* obj);

}  // namespace yotta::set_obj

// Command-side helpers (set_object.cc), used by set_family.cc and
// set_algebra.cc.
namespace yotta {
class Db;
class Entry;
class ReplyBuilder;
}  // namespace yotta

namespace yotta::set_obj {

// The live set at `key` or nullptr; *wrongtype if the key holds another
// type. `read` counts a keyspace hit or miss.
Entry* Find(Db& db, std::string_view key, bool read, bool* wrongtype);
// After mutating e's object (now `obj`, `before` = Bytes before the change):
// stores the pointer, fixes the memory counter, deletes the key if empty.
void Commit(Db& db, std::string_view key, Entry* e, void* obj, size_t before);
// Replaces whatever `key` holds (dropping its TTL) with `obj`, or deletes
// the key when obj is empty (obj is then freed).
void Store(Db& db, std::string_view key, void* obj);
// Replies the members as a RESP3 set (RESP2 array).
void ReplyMembers(ReplyBuilder& rb, const void* obj);

}  // namespace yotta::set_obj
