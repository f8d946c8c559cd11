// YottaStore. Licensed under the Apache License 2.0.
// What the JSON command files share: the document object stored in an
// Entry, key lookup with RedisJSON's errors, path arguments, and byte
// accounting after a mutation.
#pragma once

#include <string>
#include <string_view>

#include "core/entry.h"
#include "core/json/json_path.h"
#include "core/json/json_value.h"
#include "server/command_context.h"
#include "server/command_registry.h"

namespace yotta::json_cmd {

using json::JsonValue;
using json::Path;

// RedisJSON's texts (redis_json/src/error.rs, commands.rs;
// https://github.com/RedisJSON/RedisJSON). A key of another Redis type gets
// redis-module-rs's verify_type text, not WRONGTYPE.
inline constexpr std::string_view kErrWrongKeyType = "Existing key has wrong Redis type";
inline constexpr std::string_view kErrNoKey = "ERR could not perform this operation on a key that doesn't exist";
inline constexpr std::string_view kErrRoot = "ERR new objects must be created at the root";
inline constexpr std::string_view kErrStatic = "Err wrong static path";
inline constexpr std::string_view kErrIndexRange = "ERR array index out of range";
inline constexpr std::string_view kErrIndexBounds = "ERR index out of bounds";
inline constexpr std::string_view kErrNotInt = "Couldn't parse as integer";

// Documents may grow deeper than a parse allows (values set inside values),
// but every walk over them recurses: a write that would nest deeper than
// this is refused so that no document can exhaust a shard's stack.
inline constexpr size_t kMaxDocDepth = 1000;
inline constexpr std::string_view kErrTooDeep = "ERR nesting depth exceeds the limit (1000)";
// True (after replying) if `v` placed at nesting level `level` would make
// the document deeper than kMaxDocDepth.
bool TooDeep(CmdContext& cx, size_t level, const JsonValue& v);

struct Doc {
  JsonValue root;
  size_t bytes = 0;  // MemUsage() of root + sizeof(Doc), kept current
};

// The document of a JSON entry.
inline Doc* DocOf(Entry* e) { return static_cast<Doc*>(e->obj()); }

enum class Found { kDoc, kMissing, kReplied };

// Looks `key` up (FindRead for readers); replies the wrong-type error.
Found Lookup(CmdContext& cx, std::string_view key, bool write, Entry** e);

// Parses a path argument; replies the error and returns false if it does
// not parse.
bool ParsePath(CmdContext& cx, std::string_view text, Path* p);
// The optional path at argument i, defaulting to the legacy root "." in
// both protocols, as RedisJSON 2.6's commands.rs does (the RESP3 guide on
// redis.io says "$", the code does not).
bool OptionalPath(CmdContext& cx, size_t i, Path* p);

// Parses a JSON argument; replies serde's error and returns false if bad.
// RedisJSON replies serde's text as is where its value manager parses
// (SET, MSET, MERGE, ARRAPPEND, ARRINSERT: ParseValue) and with "ERR "
// where the command calls serde directly (ARRINDEX, STRAPPEND, NUMINCRBY:
// ParseValueErr; redis-module-rs prefixes converted errors).
bool ParseValue(CmdContext& cx, std::string_view text, JsonValue* v);
bool ParseValueErr(CmdContext& cx, std::string_view text, JsonValue* v);

// Recomputes the document's size and charges the difference to the shard
// (O(document); for writes that replace arbitrary parts).
void Recount(Db& db, Doc* d);
// Charges a known size change (O(1); array and scalar edits compute it).
inline void Charge(Db& db, Doc* d, int64_t delta) {
  d->bytes = static_cast<size_t>(static_cast<int64_t>(d->bytes) + delta);
  db.slice().AdjustBytes(delta);
}
// The size an array counts beyond its elements' own MemUsage: its spare
// capacity (see JsonValue::MemUsage).
inline int64_t ArraySlack(const json::Array& a) {
  return static_cast<int64_t>(a.heap_bytes() - a.size() * sizeof(JsonValue));
}
// Creates a document entry (the root value moved in).
void CreateDoc(Db& db, std::string_view key, JsonValue root);

// "ERR Path '<p>' does not exist or <what>" (typo "contains" included)
std::string ErrNoPathOr(std::string_view p, std::string_view what);
// "ERR Path '<p>' does not exist"
std::string ErrNoPath(std::string_view p);
// "WRONGTYPE wrong type of path value - expected <want> but found <got>"
std::string ErrExpected(std::string_view want, std::string_view got);

// Replies a JSON integer/double in RESP3 number form (integer reply or
// double), used where RedisJSON replies numbers natively.
void ReplyNumber(ReplyBuilder& rb, const JsonValue& v);

// Registration of the other JSON files.
void RegisterJsonScalarCommands(CommandRegistry& reg);
void RegisterJsonArrayCommands(CommandRegistry& reg);

}  // namespace yotta::json_cmd
