// YottaStore. Licensed under the Apache License 2.0.
// Big collections on disk member by member (DESIGN.md section 4): a hash,
// set or sorted set with more than kMemberWiseMin elements is stored as one
// RocksDB record per element, so a write of one element costs O(element).
// Element values: hash field -> value, set member -> "", zset member -> the
// score's 8 bytes (IEEE double, little-endian).
//
// Also the per-command "member arguments" (CommandSpec::members): which
// arguments name the only elements a write command may change, so that the
// storage tier writes just those (server/shard_store.h).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entry.h"

namespace yotta::member_codec {

inline constexpr size_t kMemberWiseMin = 512;

// True iff e's value is stored member-wise.
bool IsMemberWise(const Entry* e);
// Calls fn(member, value) for every element.
void ForEach(const Entry* e, const std::function<void(std::string_view, std::string_view)>& fn);
// The element's encoded value, or nullopt if it is absent.
std::optional<std::string> Value(const Entry* e, std::string_view member);
// A new object of type t from encoded elements; nullptr if malformed.
// *bytes gets its ObjectOps::bytes.
void* Build(ObjType t, const std::vector<std::pair<std::string, std::string>>& members, size_t* bytes);

// CommandSpec::members for the element-writing commands.
bool PairsFrom2(std::span<const std::string_view> args, std::vector<int>* out);  // HSET f v f v
bool AllFrom2(std::span<const std::string_view> args, std::vector<int>* out);    // HDEL SADD SREM ZREM
bool At2(std::span<const std::string_view> args, std::vector<int>* out);         // HINCRBY HSETNX
bool At3(std::span<const std::string_view> args, std::vector<int>* out);         // ZINCRBY
// EXPIRE, PERSIST ...: no element changes (only the key's metadata).
bool NoMembers(std::span<const std::string_view> args, std::vector<int>* out);
bool ZAddMembers(std::span<const std::string_view> args, std::vector<int>* out);

}  // namespace yotta::member_codec
