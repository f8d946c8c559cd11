// YottaStore. Licensed under the Apache License 2.0.
// The hash object: encodings, conversion and the ObjectOps hooks.
#include "commands/hash_object.h"

#include <cstring>
#include <unordered_set>

#include "server/config.h"
#include "server/db_slice.h"

namespace yotta::hash_obj {
namespace {

constexpr uintptr_t kMapTag = 2;

int64_t MaxEntries() { return Config::Get().hash_max_listpack_entries.load(std::memory_order_relaxed); }
int64_t MaxValue() { return Config::Get().hash_max_listpack_value.load(std::memory_order_relaxed); }

void* TagMap(StrMap* m) { return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(m) | kMapTag); }

void* ToMap(void* obj) {
  auto* m = new StrMap(true);
  m->Reserve(Size(obj) + 1);
  ForEach(obj, [&](std::string_view f, std::string_view v) { m->Set(f, v); });
  lp::Free(Lp(obj));
  return TagMap(m);
}

void PutU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
bool GetStr(std::string_view* in, std::string_view* s) {
  uint32_t len;
  if (in->size() < 4) return false;
  std::memcpy(&len, in->data(), 4);
  in->remove_prefix(4);
  if (len > in->size()) return false;
  *s = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

void* RestoreMap(std::string_view in) {
  uint32_t n;
  if (in.size() < 4) return nullptr;
  std::memcpy(&n, in.data(), 4);
  in.remove_prefix(4);
  if (n == 0 || n > in.size() / 8) return nullptr;
  auto* m = new StrMap(true);
  m->Reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view f, v;
    if (!GetStr(&in, &f) || !GetStr(&in, &v) || !m->Add(f, v)) {
      delete m;
      return nullptr;
    }
  }
  if (!in.empty()) {
    delete m;
    return nullptr;
  }
  return TagMap(m);
}

}  // namespace

void* Create() { return lp::New(); }

void* PrepareFor(void* obj, std::string_view s) {
  if (!IsMap(obj) && static_cast<int64_t>(s.size()) > MaxValue()) return ToMap(obj);
  return obj;
}

void* Set(void* obj, std::string_view field, std::string_view value, bool* is_new) {
  obj = PrepareFor(PrepareFor(obj, field), value);
  if (IsMap(obj)) {
    *is_new = Map(obj)->Set(field, value);
    return obj;
  }
  uint8_t* lp = Lp(obj);
  lp::Pos p = lp::Find(lp, lp::First(lp), field, 1);
  if (p != lp::End(lp)) {
    *is_new = false;
    return lp::Replace(lp, lp::Next(lp, p), value);
  }
  *is_new = true;
  lp = lp::Append(lp::Append(lp, field), value);
  if (static_cast<int64_t>(lp::Count(lp) / 2) > MaxEntries()) return ToMap(lp);
  return lp;
}

void* Del(void* obj, std::string_view field, bool* removed) {
  if (IsMap(obj)) {
    *removed = Map(obj)->Erase(field);
    return obj;
  }
  uint8_t* lp = Lp(obj);
  lp::Pos p = lp::Find(lp, lp::First(lp), field, 1);
  *removed = p != lp::End(lp);
  return *removed ? lp::Delete(lp, p, 2) : obj;
}

std::optional<std::string_view> Get(void* obj, std::string_view field) {
  if (IsMap(obj)) {
    StrMap* m = Map(obj);
    const StrMap::Node* n = m->Find(field);
    if (!n) return std::nullopt;
    return m->Value(n);
  }
  uint8_t* lp = Lp(obj);
  lp::Pos p = lp::Find(lp, lp::First(lp), field, 1);
  if (p == lp::End(lp)) return std::nullopt;
  return lp::Get(lp, lp::Next(lp, p));
}

size_t Size(const void* obj) { return IsMap(obj) ? Map(obj)->size() : lp::Count(Lp(obj)) / 2; }

std::pair<std::string, std::string> Random(void* obj, uint64_t* rng) {
  if (IsMap(obj)) {
    StrMap* m = Map(obj);
    const StrMap::Node* n = m->Random(rng);
    return {std::string(StrMap::Key(n)), std::string(m->Value(n))};
  }
  uint8_t* lp = Lp(obj);
  uint64_t i = StrMap::NextRandom(rng) % Size(obj);
  lp::Pos p = lp::Seek(lp, static_cast<int64_t>(2 * i));
  return {std::string(lp::Get(lp, p)), std::string(lp::Get(lp, lp::Next(lp, p)))};
}

void Free(void* obj) {
  if (IsMap(obj)) delete Map(obj);
  else lp::Free(Lp(obj));
}

size_t Bytes(const void* obj) { return IsMap(obj) ? Map(obj)->bytes() : lp::Bytes(Lp(obj)); }

void* Clone(const void* obj) { return IsMap(obj) ? TagMap(Map(obj)->Clone()) : lp::Clone(Lp(obj)); }

std::string_view Encoding(const void* obj) { return IsMap(obj) ? "hashtable" : "listpack"; }

size_t Length(const void* obj) { return Size(obj); }

// Payload: [0][listpack raw] or [2][count u32] ([len u32][field][len u32][value])*.
void Dump(const void* obj, std::string* out) {
  if (!IsMap(obj)) {
    out->push_back(0);
    out->append(lp::Raw(Lp(obj)));
    return;
  }
  out->push_back(2);
  PutU32(out, static_cast<uint32_t>(Size(obj)));
  ForEach(obj, [&](std::string_view f, std::string_view v) {
    PutU32(out, static_cast<uint32_t>(f.size()));
    out->append(f);
    PutU32(out, static_cast<uint32_t>(v.size()));
    out->append(v);
  });
}

void* Restore(std::string_view in) {
  if (in.empty()) return nullptr;
  char e = in[0];
  in.remove_prefix(1);
  if (e == 2) return RestoreMap(in);
  if (e != 0) return nullptr;
  uint8_t* lp = lp::FromRaw(in);
  if (!lp) return nullptr;
  // Non-empty, whole pairs, distinct fields.
  bool ok = lp::Count(lp) > 0 && lp::Count(lp) % 2 == 0;
  std::unordered_set<std::string_view> seen;
  for (lp::Pos p = lp::First(lp); ok && p != lp::End(lp); p = lp::Next(lp, lp::Next(lp, p))) {
    ok = seen.insert(lp::Get(lp, p)).second;
  }
  if (ok) return lp;
  lp::Free(lp);
  return nullptr;
}

Entry* Find(Db& db, std::string_view key, bool read, bool* wrongtype) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  *wrongtype = e && e->type() != ObjType::kHash;
  return *wrongtype ? nullptr : e;
}

void Commit(Db& db, std::string_view key, Entry* e, void* obj, size_t before) {
  e->set_obj(obj);
  db.slice().AdjustBytes(static_cast<int64_t>(Bytes(obj)) - static_cast<int64_t>(before));
  if (Size(obj) == 0) db.Delete(key);
}

}  // namespace yotta::hash_obj
