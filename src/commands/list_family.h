// YottaStore. Licensed under the Apache License 2.0.
// What the list family's files share (list_family.cc, list_blocking.cc):
// finding and creating list keys with the shard's byte count kept right,
// and the pop/move bodies that the blocking commands reuse.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/quicklist.h"
#include "server/command_context.h"
#include "server/command_registry.h"

namespace yotta::list {

inline QuickList* Of(Entry* e) { return static_cast<QuickList*>(e->obj()); }

// list-max-listpack-size now.
int Fill();

// The live entry of `key` (FindRead when `read`): nullptr if absent; on a
// value of another type replies WRONGTYPE, sets *wrongtype and returns nullptr.
Entry* Find(CmdContext& cx, Db& db, std::string_view key, bool read, bool* wrongtype);
// Creates an empty list under `key` (absent) and charges its bytes.
QuickList* Create(Db& db, std::string_view key);
// After a change: charges the size difference since `before`, deletes the
// key of an emptied list, and (shrinking) applies 7.2's listpack conversion.
void FinishEdit(Db& db, std::string_view key, QuickList* ql, size_t before, bool shrinking);

// LEFT / RIGHT (case-insensitive), else replies "syntax error".
bool ParseWhere(CmdContext& cx, std::string_view arg, bool* left);

// Replies an array of up to `count` elements popped from one end (tail
// first for RIGHT) and removes them.
void PopRangeReply(CmdContext& cx, Db& db, std::string_view key, QuickList* ql, bool left,
                   int64_t count);

// LMOVE's body: pops from src, pushes to dst, replies the element. Missing
// src replies nil; a wrong type of either key replies WRONGTYPE. Returns
// false only when src is absent (nothing replied for BLMOVE to block on,
// if reply_missing is false).
bool Move(CmdContext& cx, std::string_view src, std::string_view dst, bool from_left, bool to_left,
          bool reply_missing);

// LMPOP/BLMPOP arguments from the numkeys argument on.
struct MpopArgs {
  std::vector<std::string_view> keys;
  bool left = true;
  int64_t count = 1;
};
bool ParseMpop(CmdContext& cx, size_t numkeys_at, MpopArgs* a);
// Pops from the first non-empty list of a.keys and replies [key, [elems]].
// Returns false if every key is absent (nothing replied); a wrong type
// replies WRONGTYPE and returns true.
bool MpopFirst(CmdContext& cx, const MpopArgs& a);

// list_blocking.cc: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
void RegisterBlockingCommands(CommandRegistry& reg);

}  // namespace yotta::list
