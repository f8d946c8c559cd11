// YottaStore. Licensed under the Apache License 2.0.
// Entry: one key of the keyspace in a single allocation:
//
//   [next 8][key_len 4][val_len 4][meta 4] [expire_ms 8, iff kHasExpire] [key] [value]
//
// `meta` packs the type (4 bits), flags (4 bits) and 24 bits of access info,
// as Redis keeps it: the LRU clock in seconds, or under an LFU maxmemory
// policy the minutes of the last decay (16 bits) and a logarithmic access
// counter (8 bits). server/db_slice.h maintains and interprets them.
// A string value is stored inline; any other type stores an 8-byte pointer to
// its object (flag kObject). The dirty and cold flags are for the storage
// tier: dirty = changed since last persisted, cold = the value lives only on
// disk and must be fetched before use.
//
// Entries are created and freed only through the functions below, which keep
// the owning shard's byte count accurate.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
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

// Redis's OBJECT ENCODING of a string value: "int" for a base-10 int64 of
// at most 20 characters, "embstr" up to 44 bytes, else "raw".
std::string_view StringEncoding(std::string_view value);

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
// heap size for memory accounting (the shard's counter holds the sum of
// Bytes over its objects, so a family adjusts it when an object grows).
// The optional hooks serve the keyspace commands; a missing one makes the
// command reply an error for that type instead of crashing:
//   clone     a deep copy (COPY);
//   encoding  Redis's OBJECT ENCODING name ("listpack", "hashtable", ...);
//   dump      appends the DUMP payload of the object (after the type byte);
//   restore   rebuilds an object from that payload, nullptr if malformed
//             (RESTORE must reject any corrupted input without crashing);
//   length    number of elements (UNLINK/FLUSH ASYNC free big objects on a
//             background thread, as Redis's lazyfree effort).
struct ObjectOps {
  void (*free)(void* obj) = nullptr;
  size_t (*bytes)(const void* obj) = nullptr;
  void* (*clone)(const void* obj) = nullptr;
  std::string_view (*encoding)(const void* obj) = nullptr;
  void (*dump)(const void* obj, std::string* out) = nullptr;
  void* (*restore)(std::string_view payload) = nullptr;
  size_t (*length)(const void* obj) = nullptr;
};
void RegisterObjectOps(ObjType t, ObjectOps ops);
const ObjectOps& GetObjectOps(ObjType t);

// Allocation. `*bytes` (the shard's counter) is adjusted by every call.
struct EntryAlloc {
  // A string entry. `extra` reserves capacity beyond the value (APPEND).
  static Entry* NewString(std::string_view key, std::string_view val, int64_t expire_ms,
                          int64_t* bytes, size_t extra = 0);
  // An object entry owning `obj`. Charges the entry only: the caller adds
  // the object's ObjectOps::bytes (Free subtracts both).
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
  // Moves e's value (and expiry, flags, LRU/LFU field) into a new entry named
  // `key` and frees e's shell. The old entry is charged to *from, the new one
  // and its object to *to (they differ when the key changes shard: RENAME).
  // REQUIRES: e is detached from its table.
  static Entry* Rekey(Entry* e, std::string_view key, int64_t* from, int64_t* to);
  // A deep copy of e's value under `key` with the given expiry, charged to
  // *bytes; nullptr if the type has no clone hook (COPY).
  static Entry* Copy(const Entry* e, std::string_view key, int64_t expire_ms, int64_t* bytes);
};

}  // namespace yotta
