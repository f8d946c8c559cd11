// YottaStore. Licensed under the Apache License 2.0.
// The on-disk encodings of store.h's column families: meta and member keys,
// meta values, and the default CF's bookkeeping records. Everything here is
// part of the format: change it only with a format version bump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace yotta::storage::detail {

// Highest physical db + 1; db bytes are < kMaxDbs, so "\xff" bounds every key.
inline constexpr int kMaxDbs = 255;

inline constexpr std::string_view kMarkerKey = "yottastore-format";
inline constexpr std::string_view kMarkerValue = "1";
inline constexpr std::string_view kDbMapKey = "dbmap";  // kMaxDbs bytes: logical -> physical
std::string CountKey(int physical_db);                  // "count/<db>" -> 8 bytes BE

void PutBig64(std::string* dst, uint64_t v);
uint64_t GetBig64(const char* p);

// meta: [db 1][h 8 BE][key]
std::string MetaKey(uint8_t db, std::string_view key);
std::string MetaPrefix(uint8_t db, uint64_t h);  // [db][h]: SCAN seek target
struct MetaKeyView {
  uint8_t db;
  uint64_t h;
  std::string_view key;
};
std::optional<MetaKeyView> ParseMetaKey(std::string_view k);

// members: [db 1][h 8][keylen 4 BE][key][version 8 BE][member]
std::string MembersPrefix(uint8_t db, std::string_view key, uint64_t version);
std::string MemberKey(uint8_t db, std::string_view key, uint64_t version, std::string_view member);
struct MemberKeyView {
  uint8_t db;
  std::string_view key;
  uint64_t version;
  std::string_view member;
};
std::optional<MemberKeyView> ParseMemberKey(std::string_view k);

// meta value: [kind 1][version 8 iff kMembers][payload]
std::string EncodeRecord(const Record& r);
bool DecodeRecord(std::string_view v, Record* r);
// Just the kind and version (compaction filter; no payload copy).
bool DecodeRecordHeader(std::string_view v, Record::Kind* kind, uint64_t* version);

// The exclusive upper bound of every key of physical db `db`.
std::string DbEnd(uint8_t db);

}  // namespace yotta::storage::detail
