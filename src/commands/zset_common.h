// YottaStore. Licensed under the Apache License 2.0.
// What the sorted-set command files share: lookup, encoding conversion at
// Redis's thresholds, memory accounting, range parsing and reply shapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/zset.h"
#include "server/command_context.h"

namespace yotta::zset_cmd {

inline constexpr std::string_view kErrMinMaxFloat = "ERR min or max is not a float";
inline constexpr std::string_view kErrLexRange = "ERR min or max not valid string range item";
inline constexpr std::string_view kErrNan = "ERR resulting score is not a number (NaN)";

inline ZSet* Z(const Entry* e) { return static_cast<ZSet*>(e->obj()); }

// Looks up `key`: *out = the zset entry or nullptr when absent. Replies
// WRONGTYPE and returns false if the key holds another type. `read` counts
// a keyspace hit/miss.
[[nodiscard]] bool Lookup(CmdContext& cx, Db& db, std::string_view key, bool read, Entry** out);

// A new zset for about `size_hint` members of up to `max_len` bytes:
// listpack iff within zset-max-listpack-entries/-value.
ZSet* NewZSet(size_t size_hint, size_t max_len);
// Inserts a new key holding z and charges its bytes. REQUIRES: key absent.
Entry* CreateKey(Db& db, std::string_view key, ZSet* z);
// Charges the byte change since `before`, and deletes the key if it emptied.
void Finish(Db& db, std::string_view key, ZSet* z, size_t before);

struct AddOpts {
  bool nx = false, xx = false, gt = false, lt = false, incr = false;
};
// kUnchanged: the member exists and keeps its score (still "processed").
enum class AddOutcome { kAdded, kUpdated, kUnchanged, kNop, kNan };
// ZADD's per-element rule. *score is the input; on kAdded/kUpdated/(kNop of
// an existing member) it becomes the member's resulting score. Converts to
// the skiplist when a new member crosses the listpack limits.
AddOutcome AddOne(ZSet* z, std::string_view member, double* score, const AddOpts& o);

// Replaces whatever `key` holds with a zset of `items` (unique members),
// deleting the key when empty (the *STORE commands).
void StoreItems(Db& db, std::string_view key, const std::vector<std::pair<std::string, double>>& items);

// As StoreItems, but builds the destination as Redis's ZRANGESTORE does:
// `items` in emission order, starting as a skiplist only if `big_hint`,
// else as a listpack converted when a member or the count crosses the
// limits. A listpack turns -0 into 0, so this decides which -0s survive.
void StoreInOrder(Db& db, std::string_view key, const std::vector<std::pair<std::string, double>>& items,
                  bool big_hint);

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};
[[nodiscard]] bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* r);
struct LexRange {
  std::string min, max;
  int min_inf = 0, max_inf = 0;  // -1 for "-", +1 for "+"
  bool minex = false, maxex = false;
};
[[nodiscard]] bool ParseLexRange(std::string_view min, std::string_view max, LexRange* r);

// The rank interval [first, last) of a range (empty when first >= last).
std::pair<size_t, size_t> RanksOf(const ZSet* z, const ScoreRange& r);
std::pair<size_t, size_t> RanksOf(const ZSet* z, const LexRange& r);

using Items = std::vector<std::pair<std::string, double>>;
// member[, score] ... : RESP2 flat; RESP3 with scores as [member, double] pairs.
void ReplyItems(ReplyBuilder& rb, const Items& items, bool withscores);
// As ReplyItems with scores, but always pairs in RESP3 and flat in RESP2
// unless `nested` (ZMPOP's inner array always holds pairs).
void ReplyPairs(ReplyBuilder& rb, const Items& items, bool nested);

// Pops up to `count` elements from the min (or max) end of the zset at
// `e` (key `key`), deleting the key if emptied.
Items PopN(Db& db, std::string_view key, Entry* e, size_t count, bool max);

}  // namespace yotta::zset_cmd
