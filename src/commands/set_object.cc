// YottaStore. Licensed under the Apache License 2.0.
// The set object: encodings, conversions and the ObjectOps hooks.
#include "commands/set_object.h"

#include <cstring>
#include <random>
#include <unordered_set>

#include "server/config.h"
#include "server/db_slice.h"
#include "server/reply_builder.h"

namespace yotta::set_obj {
namespace {

int64_t Cfg(const std::atomic<int64_t>& a) { return a.load(std::memory_order_relaxed); }
int64_t IntsetMax() { return Cfg(Config::Get().set_max_intset_entries); }
int64_t LpEntriesMax() { return Cfg(Config::Get().set_max_listpack_entries); }
int64_t LpValueMax() { return Cfg(Config::Get().set_max_listpack_value); }

void* ToMap(void* obj, size_t extra) {
  auto* m = new StrMap(false);
  m->Reserve(Size(obj) + extra);
  ForEach(obj, [&](std::string_view s) { m->Add(s); });
  Free(obj);
  return Tag(m, Enc::kHashtable);
}

void* IntsetToListpack(void* obj) {
  uint8_t* lp = lp::New();
  ForEach(obj, [&](std::string_view s) { lp = lp::Append(lp, s); });
  Free(obj);
  return Tag(lp, Enc::kListpack);
}

void PutU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
bool GetU32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) return false;
  std::memcpy(v, in->data(), 4);
  in->remove_prefix(4);
  return true;
}

void* RestoreMap(std::string_view in) {
  uint32_t n;
  if (!GetU32(&in, &n) || n == 0 || n > in.size() / 4) return nullptr;
  auto* m = new StrMap(false);
  m->Reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len;
    if (!GetU32(&in, &len) || len > in.size() || !m->Add(in.substr(0, len))) {
      delete m;
      return nullptr;
    }
    in.remove_prefix(len);
  }
  if (!in.empty()) {
    delete m;
    return nullptr;
  }
  return Tag(m, Enc::kHashtable);
}

}  // namespace

void* CreateIntset() { return Tag(intset::New(), Enc::kIntset); }

void* Create(std::string_view first, size_t size_hint) {
  int64_t v;
  if (ParseInt64(first, &v) && static_cast<int64_t>(size_hint) <= IntsetMax()) return CreateIntset();
  if (static_cast<int64_t>(size_hint) <= LpEntriesMax()) return Tag(lp::New(), Enc::kListpack);
  auto* m = new StrMap(false);
  m->Reserve(size_hint);
  return Tag(m, Enc::kHashtable);
}

void* Add(void* obj, std::string_view m, bool* added) {
  switch (EncOf(obj)) {
    case Enc::kIntset: {
      uint8_t* is = Is(obj);
      int64_t v;
      if (ParseInt64(m, &v)) {
        is = intset::Add(is, v, added);
        obj = Tag(is, Enc::kIntset);
        if (*added && static_cast<int64_t>(intset::Len(is)) > IntsetMax()) obj = ToMap(obj, 0);
        return obj;
      }
      if (static_cast<int64_t>(intset::Len(is)) < LpEntriesMax() &&
          static_cast<int64_t>(m.size()) <= LpValueMax() &&
          static_cast<int64_t>(intset::MaxDecimalLen(is)) <= LpValueMax()) {
        obj = IntsetToListpack(obj);
      } else {
        obj = ToMap(obj, 1);
      }
      return Add(obj, m, added);
    }
    case Enc::kListpack: {
      uint8_t* lp = Lp(obj);
      if (lp::Find(lp, lp::First(lp), m) != lp::End(lp)) {
        *added = false;
        return obj;
      }
      if (static_cast<int64_t>(lp::Count(lp)) < LpEntriesMax() &&
          static_cast<int64_t>(m.size()) <= LpValueMax()) {
        *added = true;
        return Tag(lp::Append(lp, m), Enc::kListpack);
      }
      obj = ToMap(obj, 1);
      return Add(obj, m, added);
    }
    case Enc::kHashtable:
      *added = Map(obj)->Add(m);
      return obj;
  }
  return obj;
}

void* Remove(void* obj, std::string_view m, bool* removed) {
  *removed = false;
  switch (EncOf(obj)) {
    case Enc::kIntset: {
      int64_t v;
      if (!ParseInt64(m, &v)) return obj;
      return Tag(intset::Remove(Is(obj), v, removed), Enc::kIntset);
    }
    case Enc::kListpack: {
      uint8_t* lp = Lp(obj);
      lp::Pos p = lp::Find(lp, lp::First(lp), m);
      if (p == lp::End(lp)) return obj;
      *removed = true;
      return Tag(lp::Delete(lp, p), Enc::kListpack);
    }
    case Enc::kHashtable:
      *removed = Map(obj)->Erase(m);
      return obj;
  }
  return obj;
}

bool Contains(void* obj, std::string_view m) {
  switch (EncOf(obj)) {
    case Enc::kIntset: {
      int64_t v;
      return ParseInt64(m, &v) && intset::Contains(Is(obj), v);
    }
    case Enc::kListpack: {
      uint8_t* lp = Lp(obj);
      return lp::Find(lp, lp::First(lp), m) != lp::End(lp);
    }
    case Enc::kHashtable:
      return Map(obj)->Contains(m);
  }
  return false;
}

size_t Size(const void* obj) {
  switch (EncOf(obj)) {
    case Enc::kIntset: return intset::Len(Is(obj));
    case Enc::kListpack: return lp::Count(Lp(obj));
    case Enc::kHashtable: return Map(obj)->size();
  }
  return 0;
}

void Free(void* obj) {
  switch (EncOf(obj)) {
    case Enc::kIntset: intset::Free(Is(obj)); break;
    case Enc::kListpack: lp::Free(Lp(obj)); break;
    case Enc::kHashtable: delete Map(obj); break;
  }
}

size_t Bytes(const void* obj) {
  switch (EncOf(obj)) {
    case Enc::kIntset: return intset::Bytes(Is(obj));
    case Enc::kListpack: return lp::Bytes(Lp(obj));
    case Enc::kHashtable: return Map(obj)->bytes();
  }
  return 0;
}

void* Clone(const void* obj) {
  switch (EncOf(obj)) {
    case Enc::kIntset: return Tag(intset::Clone(Is(obj)), Enc::kIntset);
    case Enc::kListpack: return Tag(lp::Clone(Lp(obj)), Enc::kListpack);
    case Enc::kHashtable: return Tag(Map(obj)->Clone(), Enc::kHashtable);
  }
  return nullptr;
}

std::string_view Encoding(const void* obj) {
  switch (EncOf(obj)) {
    case Enc::kIntset: return "intset";
    case Enc::kListpack: return "listpack";
    case Enc::kHashtable: return "hashtable";
  }
  return "unknown";
}

size_t Length(const void* obj) { return Size(obj); }

// Payload: [enc u8] then the intset's or listpack's raw bytes, or for a
// hashtable [count u32] ([len u32][bytes])*.
void Dump(const void* obj, std::string* out) {
  Enc e = EncOf(obj);
  out->push_back(static_cast<char>(e));
  if (e == Enc::kIntset) {
    out->append(intset::Raw(Is(obj)));
  } else if (e == Enc::kListpack) {
    out->append(lp::Raw(Lp(obj)));
  } else {
    PutU32(out, static_cast<uint32_t>(Map(obj)->size()));
    ForEach(obj, [&](std::string_view s) {
      PutU32(out, static_cast<uint32_t>(s.size()));
      out->append(s);
    });
  }
}

void* Restore(std::string_view in) {
  if (in.empty()) return nullptr;
  char e = in[0];
  in.remove_prefix(1);
  if (e == static_cast<char>(Enc::kIntset)) {
    uint8_t* is = intset::FromRaw(in);
    if (is && intset::Len(is) > 0) return Tag(is, Enc::kIntset);
    if (is) intset::Free(is);
    return nullptr;
  }
  if (e == static_cast<char>(Enc::kListpack)) {
    uint8_t* lp = lp::FromRaw(in);
    if (!lp) return nullptr;
    // Members must be distinct (a duplicate would break SREM/SCARD).
    std::unordered_set<std::string_view> seen;
    bool ok = lp::Count(lp) > 0;
    for (lp::Pos p = lp::First(lp); ok && p != lp::End(lp); p = lp::Next(lp, p)) {
      ok = seen.insert(lp::Get(lp, p)).second;
    }
    if (ok) return Tag(lp, Enc::kListpack);
    lp::Free(lp);
    return nullptr;
  }
  if (e == static_cast<char>(Enc::kHashtable)) return RestoreMap(in);
  return nullptr;
}

std::string RandomMember(void* obj, uint64_t* rng) {
  switch (EncOf(obj)) {
    case Enc::kIntset: {
      uint8_t* is = Is(obj);
      std::string s;
      AppendInt(&s, intset::Get(is, StrMap::NextRandom(rng) % intset::Len(is)));
      return s;
    }
    case Enc::kListpack: {
      uint8_t* lp = Lp(obj);
      return std::string(lp::Get(lp, lp::Seek(lp, StrMap::NextRandom(rng) % lp::Count(lp))));
    }
    case Enc::kHashtable:
      return std::string(StrMap::Key(Map(obj)->Random(rng)));
  }
  return {};
}

uint64_t* Rng() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32 | rd()) | 1;
  }();
  return &state;
}

std::vector<std::string> Members(const void* obj) {
  std::vector<std::string> v;
  v.reserve(Size(obj));
  ForEach(obj, [&](std::string_view s) { v.emplace_back(s); });
  return v;
}

}  // namespace yotta::set_obj

// ---------------------------------------------------------------------------
// Command-side helpers.

namespace yotta::set_obj {

Entry* Find(Db& db, std::string_view key, bool read, bool* wrongtype) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  *wrongtype = e && e->type() != ObjType::kSet;
  return *wrongtype ? nullptr : e;
}

void Commit(Db& db, std::string_view key, Entry* e, void* obj, size_t before) {
  e->set_obj(obj);
  db.slice().AdjustBytes(static_cast<int64_t>(Bytes(obj)) - static_cast<int64_t>(before));
  if (Size(obj) == 0) db.Delete(key);
}

void Store(Db& db, std::string_view key, void* obj) {
  db.Delete(key);
  if (Size(obj) == 0) {
    Free(obj);
    return;
  }
  db.Insert(EntryAlloc::NewObject(key, ObjType::kSet, obj, 0, db.slice().bytes_counter()));
  db.slice().AdjustBytes(static_cast<int64_t>(Bytes(obj)));  // NewObject charges the entry only
}

void ReplyMembers(ReplyBuilder& rb, const void* obj) {
  rb.Set(Size(obj));
  ForEach(obj, [&](std::string_view s) { rb.Bulk(s); });
}

}  // namespace yotta::set_obj
