// YottaStore. Licensed under the Apache License 2.0.
#include "core/entry.h"

#include <malloc.h>

#include <cstdlib>
#include <new>

#include "base/logging.h"
#include "base/str_util.h"

namespace yotta {
namespace {
ObjectOps g_ops[kNumObjTypes];

void* Alloc(size_t n) {
  void* p = std::malloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

std::string_view ObjTypeName(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
    case ObjType::kJson: return "ReJSON-RL";
  }
  return "none";
}

std::string_view StringEncoding(std::string_view v) {
  int64_t n;
  if (v.size() <= 20 && ParseInt64(v, &n)) return "int";
  return v.size() <= 44 ? "embstr" : "raw";
}

void RegisterObjectOps(ObjType t, ObjectOps ops) { g_ops[static_cast<int>(t)] = ops; }
const ObjectOps& GetObjectOps(ObjType t) { return g_ops[static_cast<int>(t)]; }

size_t Entry::str_capacity() const {
  return malloc_usable_size(const_cast<Entry*>(this)) - (data_start() - base()) - key_len_;
}

size_t EntryAlloc::Usable(const Entry* e) { return malloc_usable_size(const_cast<Entry*>(e)); }

Entry* EntryAlloc::NewString(std::string_view key, std::string_view val, int64_t expire_ms,
                             int64_t* bytes, size_t extra) {
  size_t exp = expire_ms ? 8 : 0;
  size_t n = Entry::kHeaderSize + exp + key.size() + val.size() + extra;
  auto* e = static_cast<Entry*>(Alloc(n));
  e->next_ = nullptr;
  e->key_len_ = static_cast<uint32_t>(key.size());
  e->val_len_ = static_cast<uint32_t>(val.size());
  e->meta_ = static_cast<uint32_t>(ObjType::kString);
  if (expire_ms) {
    e->set_flag(Entry::kHasExpire);
    e->set_expire_ms(expire_ms);
  }
  std::memcpy(e->data_start(), key.data(), key.size());
  if (!val.empty()) std::memcpy(e->data_start() + key.size(), val.data(), val.size());
  *bytes += static_cast<int64_t>(Usable(e));
  return e;
}

Entry* EntryAlloc::NewObject(std::string_view key, ObjType t, void* obj, int64_t expire_ms,
                             int64_t* bytes) {
  size_t exp = expire_ms ? 8 : 0;
  size_t n = Entry::kHeaderSize + exp + key.size() + sizeof(void*);
  auto* e = static_cast<Entry*>(Alloc(n));
  e->next_ = nullptr;
  e->key_len_ = static_cast<uint32_t>(key.size());
  e->val_len_ = 0;
  e->meta_ = static_cast<uint32_t>(t);
  e->set_flag(Entry::kObject);
  if (expire_ms) {
    e->set_flag(Entry::kHasExpire);
    e->set_expire_ms(expire_ms);
  }
  std::memcpy(e->data_start(), key.data(), key.size());
  e->set_obj(obj);
  *bytes += static_cast<int64_t>(Usable(e));
  return e;
}

void EntryAlloc::FreeShell(Entry* e, int64_t* bytes) {
  *bytes -= static_cast<int64_t>(Usable(e));
  std::free(e);
}

void EntryAlloc::Free(Entry* e, int64_t* bytes) {
  if (e->is_object()) {
    const ObjectOps& ops = GetObjectOps(e->type());
    YCHECK(ops.free != nullptr);
    if (ops.bytes) *bytes -= static_cast<int64_t>(ops.bytes(e->obj()));
    ops.free(e->obj());
  }
  FreeShell(e, bytes);
}

Entry* EntryAlloc::WithExpire(Entry* e, int64_t expire_ms, int64_t* bytes) {
  bool want = expire_ms != 0;
  if (want == e->has_expire()) {
    if (want) e->set_expire_ms(expire_ms);
    return e;
  }
  size_t payload = e->key_len_ + (e->is_object() ? sizeof(void*) : e->val_len_);
  size_t n = Entry::kHeaderSize + (want ? 8 : 0) + payload;
  auto* ne = static_cast<Entry*>(Alloc(n));
  std::memcpy(ne, e, Entry::kHeaderSize);
  std::memcpy(reinterpret_cast<char*>(ne) + Entry::kHeaderSize + (want ? 8 : 0), e->data_start(),
              payload);
  if (want) {
    ne->set_flag(Entry::kHasExpire);
    ne->set_expire_ms(expire_ms);
  } else {
    ne->clear_flag(Entry::kHasExpire);
  }
  *bytes += static_cast<int64_t>(Usable(ne)) - static_cast<int64_t>(Usable(e));
  std::free(e);
  return ne;
}

Entry* EntryAlloc::ReserveString(Entry* e, size_t len, int64_t* bytes) {
  if (e->str_capacity() >= len) return e;
  size_t want = len;
  // Geometric growth past the first append, like sds: double under 1 MiB,
  // then 1 MiB at a time.
  if (e->val_len_ > 0) want = len < (1u << 20) ? len * 2 : len + (1u << 20);
  size_t head = (e->data_start() - e->base()) + e->key_len_;
  int64_t before = static_cast<int64_t>(Usable(e));
  auto* ne = static_cast<Entry*>(std::realloc(e, head + want));
  if (!ne) throw std::bad_alloc();
  *bytes += static_cast<int64_t>(Usable(ne)) - before;
  return ne;
}

Entry* EntryAlloc::Rekey(Entry* e, std::string_view key, int64_t* from, int64_t* to) {
  int64_t exp = e->expire_ms();
  Entry* ne;
  if (e->is_object()) {
    ne = NewObject(key, e->type(), e->obj(), exp, to);
    const ObjectOps& ops = GetObjectOps(e->type());
    if (ops.bytes && from != to) {
      int64_t b = static_cast<int64_t>(ops.bytes(e->obj()));
      *from -= b;
      *to += b;
    }
  } else {
    ne = NewString(key, e->str(), exp, to);
  }
  ne->meta_ = e->meta_;  // type, flags (expire, dirty, cold) and access info
  FreeShell(e, from);
  return ne;
}

Entry* EntryAlloc::Copy(const Entry* e, std::string_view key, int64_t expire_ms, int64_t* bytes) {
  if (!e->is_object()) return NewString(key, e->str(), expire_ms, bytes);
  const ObjectOps& ops = GetObjectOps(e->type());
  if (!ops.clone) return nullptr;
  void* obj = ops.clone(e->obj());
  if (ops.bytes) *bytes += static_cast<int64_t>(ops.bytes(obj));
  return NewObject(key, e->type(), obj, expire_ms, bytes);
}

}  // namespace yotta
