// YottaStore. Licensed under the Apache License 2.0.
// KeyHash and the key/value codecs of key_format.h. KeyHash is a
// wyhash-style multiply-mix over 8-byte little-endian words with fixed
// constants; it is written out here (not shared with base/hash) because it
// is part of the on-disk format and must never change.
#include "storage/key_format.h"

#include <cstring>

namespace yotta::storage {
namespace {

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Little-endian load, independent of the host's byte order.
inline uint64_t LoadLe(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

constexpr uint64_t kSeed = 0x59a1e5c0de5eed01ull;
constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;
constexpr uint64_t kP3 = 0x589965cc75374cc3ull;

}  // namespace

uint64_t KeyHash(std::string_view key) {
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = kSeed ^ Mix(n ^ kP0, kP1);
  while (n >= 16) {
    h = Mix(LoadLe(p, 8) ^ kP1 ^ h, LoadLe(p + 8, 8) ^ kP2);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    h = Mix(LoadLe(p, 8) ^ kP1, h ^ kP2);
    p += 8;
    n -= 8;
  }
  if (n > 0) h = Mix(LoadLe(p, n) ^ kP3, h ^ kP0);
  return Mix(h ^ kP0, kP1 ^ key.size());
}

namespace detail {

void PutBig64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (56 - 8 * i));
  dst->append(b, 8);
}

uint64_t GetBig64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

namespace {
void PutBig32(std::string* dst, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (24 - 8 * i));
  dst->append(b, 4);
}
uint32_t GetBig32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
}  // namespace

std::string CountKey(int physical_db) { return "count/" + std::to_string(physical_db); }

std::string MetaPrefix(uint8_t db, uint64_t h) {
  std::string k;
  k.reserve(9);
  k.push_back(static_cast<char>(db));
  PutBig64(&k, h);
  return k;
}

std::string MetaKey(uint8_t db, std::string_view key) {
  std::string k = MetaPrefix(db, KeyHash(key));
  k.append(key);
  return k;
}

std::optional<MetaKeyView> ParseMetaKey(std::string_view k) {
  if (k.size() < 9) return std::nullopt;
  return MetaKeyView{static_cast<uint8_t>(k[0]), GetBig64(k.data() + 1), k.substr(9)};
}

std::string MembersPrefix(uint8_t db, std::string_view key, uint64_t version) {
  std::string k = MetaPrefix(db, KeyHash(key));
  PutBig32(&k, static_cast<uint32_t>(key.size()));
  k.append(key);
  PutBig64(&k, version);
  return k;
}

std::string MemberKey(uint8_t db, std::string_view key, uint64_t version, std::string_view member) {
  std::string k = MembersPrefix(db, key, version);
  k.append(member);
  return k;
}

std::optional<MemberKeyView> ParseMemberKey(std::string_view k) {
  if (k.size() < 13) return std::nullopt;
  uint32_t keylen = GetBig32(k.data() + 9);
  if (k.size() < 13ull + keylen + 8) return std::nullopt;
  std::string_view key = k.substr(13, keylen);
  uint64_t version = GetBig64(k.data() + 13 + keylen);
  return MemberKeyView{static_cast<uint8_t>(k[0]), key, version, k.substr(13 + keylen + 8)};
}

std::string EncodeRecord(const Record& r) {
  std::string v;
  v.reserve(9 + r.payload.size());
  v.push_back(static_cast<char>(r.kind));
  if (r.kind == Record::kMembers) PutBig64(&v, r.version);
  v.append(r.payload);
  return v;
}

bool DecodeRecordHeader(std::string_view v, Record::Kind* kind, uint64_t* version) {
  if (v.empty()) return false;
  auto k = static_cast<uint8_t>(v[0]);
  if (k == Record::kInline) {
    *kind = Record::kInline;
    *version = 0;
    return true;
  }
  if (k != Record::kMembers || v.size() < 9) return false;
  *kind = Record::kMembers;
  *version = GetBig64(v.data() + 1);
  return true;
}

bool DecodeRecord(std::string_view v, Record* r) {
  if (!DecodeRecordHeader(v, &r->kind, &r->version)) return false;
  size_t off = r->kind == Record::kMembers ? 9 : 1;
  r->payload.assign(v.substr(off));
  return true;
}

std::string DbEnd(uint8_t db) { return std::string(1, static_cast<char>(db + 1)); }

}  // namespace detail
}  // namespace yotta::storage
