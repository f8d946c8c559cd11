// YottaStore. Licensed under the Apache License 2.0.
// What other families (geo) need from sorted sets. Implemented by the
// sorted-set family (zset_family.cc or a file next to it); callers hold the
// key's shard, as any handler does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "server/db_slice.h"

namespace yotta::zset_api {

struct AddFlags {
  bool nx = false;  // only add new members
  bool xx = false;  // only update existing members
};

// ZADD semantics on `key` (created if absent; REQUIRES: the key holds no
// value or a sorted set). Returns the number of members added; *changed
// (if not null) gets added + updated (ZADD CH).
int64_t Add(Db& db, std::string_view key, std::span<const std::pair<double, std::string_view>> items,
            AddFlags flags, int64_t* changed);

// REQUIRES: e->type() == ObjType::kZSet.
size_t Card(const Entry* e);
std::optional<double> Score(const Entry* e, std::string_view member);
// Calls fn(member, score) for each element with min <= score <= max, in
// (score, member) order.
void RangeByScore(const Entry* e, double min, double max,
                  const std::function<void(std::string_view member, double score)>& fn);

// Replaces whatever `key` holds with a sorted set of `items` (members
// unique); deletes the key when items is empty. Keeps no TTL.
void Store(Db& db, std::string_view key, std::span<const std::pair<std::string, double>> items);

}  // namespace yotta::zset_api
