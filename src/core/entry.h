// YottaStore. Licensed under the Apache License 2.0.
// Entry: one key of the keyspace in a single allocation:
//
//   [next 8][key_len 4][val_len 4][meta 4] [expire_ms 8, iff kHasExpire] [key] [value]
//
// `meta` packs the type (4 bits), flags (4 bits) and a 24-bit LRU clock in
// seconds, as Redis keeps it. A string value is stored inline; any other type
// stores an 8-byte pointer to its object (flag kObject). The dirty and cold
// flags are for the storage tier: dirty = changed since last persisted,
// cold = the value lives only on disk and must be fetched before use.
//
// Entries are created and freed only through the functions below, which keep
// the owning shard's byte count accurate.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace yotta {

enum class ObjType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 5,
  kJson = 6,
};
inline constexpr int kNumObjTypes = 7;

// Redis's TYPE names.
std::string_view ObjTypeName(ObjType t);

class Entry {
 public:
  static constexpr uint8_t kHasExpire = 1;
  static constexpr uint8_t kObject = 2;  // value area holds an object pointer
  static constexpr uint8_t kDirty = 4;
  static constexpr uint8_t kCold = 8;
  static constexpr size_t kHeaderSize = 20;

  Entry* next() const { return next_; }
  void set_next(Entry* n) { next_ = n; }
  Entry** next_link() { return &next_; }

  ObjType type() const { return static_cast<ObjType>(meta_ & 0xf); }
  uint8_t flags() const { return (meta_ >> 4) & 0xf; }
  bool has_expire() const { return flags() & kHasExpire; }
  bool is_object() const { return flags() & kObject; }
  void set_flag(uint8_t f) { meta_ |= static_cast<uint32_t>(f) << 4; }
  void clear_flag(uint8_t f) { meta_ &= ~(static_cast<uint32_t>(f) << 4); }

  uint32_t lru() const { return meta_ >> 8; }
  void set_lru(uint32_t clock) { meta_ = (meta_ & 0xff) | (clock << 8); }

  int64_t expire_ms() const {
    if (!has_expire()) return 0;
    int64_t v;
    std::memcpy(&v, base() + kHeaderSize, 8);
    return v;
  }
  // REQUIRES: has_expire().
  void set_expire_ms(int64_t ms) { std::memcpy(base() + kHeaderSize, &ms, 8); }

  std::string_view key() const { return {data_start(), key_len_}; }

  // String value (REQUIRES: !is_object()).
  std::string_view str() const { return {data_start() + key_len_, val_len_}; }
  char* mutable_str() { return data_start() + key_len_; }
  uint32_t val_len() const { return val_len_; }
  void set_val_len(uint32_t n) { val_len_ = n; }

  // Object value (REQUIRES: is_object()).
  void* obj() const {
    void* p;
    std::memcpy(&p, data_start() + key_len_, sizeof(p));
    return p;
  }
  void set_obj(void* p) { std::memcpy(data_start() + key_len_, &p, sizeof(p)); }

  // Bytes of value payload the allocation can hold without growing.
  size_t str_capacity() const;

 private:
  friend struct EntryAlloc;
  char* base() { return reinterpret_cast<char*>(this); }
  const char* base() const { return reinterpret_cast<const char*>(this); }
  char* data_start() { return base() + kHeaderSize + (has_expire() ? 8 : 0); }
  const char* data_start() const { return base() + kHeaderSize + (has_expire() ? 8 : 0); }

  Entry* next_;
  uint32_t key_len_;
  uint32_t val_len_;
  uint32_t meta_;
};

// Per-type hooks for object values, registered by the families that own the
// types (collections, JSON). Free releases the object; Bytes estimates its
// heap size for memory accounting.
struct ObjectOps {
  void (*free)(void* obj) = nullptr;
  size_t (*bytes)(const void* obj) = nullptr;
};
void RegisterObjectOps(ObjType t, ObjectOps ops);
const ObjectOps& GetObjectOps(ObjType t);

// Allocation. `*bytes` (the shard's counter) is adjusted by every call.
struct EntryAlloc {
  // A string entry. `extra` reserves capacity beyond the value (APPEND).
  static Entry* NewString(std::string_view key, std::string_view val, int64_t expire_ms,
                          int64_t* bytes, size_t extra = 0);
  // An object entry owning `obj`.
  static Entry* NewObject(std::string_view key, ObjType t, void* obj, int64_t expire_ms,
                          int64_t* bytes);
  // Frees the entry and its object.
  static void Free(Entry* e, int64_t* bytes);
  // Frees the entry but not its object (ownership moved elsewhere).
  static void FreeShell(Entry* e, int64_t* bytes);
  // Returns an entry equal to `e` but with the expire field present or not;
  // may move `e`. The returned entry's next() is e's.
  static Entry* WithExpire(Entry* e, int64_t expire_ms, int64_t* bytes);
  // Ensures room for a string value of `len` bytes, preserving the current
  // value bytes; may move `e`. Grows geometrically for repeated appends.
  static Entry* ReserveString(Entry* e, size_t len, int64_t* bytes);
  // Allocated bytes of the entry itself (not its object).
  static size_t Usable(const Entry* e);
};

}  // namespace yotta
