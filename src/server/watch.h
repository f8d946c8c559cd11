// YottaStore. Licensed under the Apache License 2.0.
// WATCH: optimistic locking for MULTI/EXEC. A client's WatchSet is
// registered on each watched key's Db (on the key's shard); a write command
// touching a watched key marks every set watching it dirty, and EXEC of a
// dirty set replies a null array without running anything.
//
// What counts as touching: any command flagged `write` whose declared keys
// include the key (even if it changed nothing, e.g. a failed SETNX: Redis
// only counts real modifications, so our EXEC can fail where Redis's would
// not, never the reverse), and any global write (FLUSHALL, FLUSHDB, SWAPDB),
// which touches every watched key.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yotta {

class CmdContext;
class Db;
struct CommandSpec;

struct WatchSet {
  std::atomic<bool> dirty{false};
  struct Place {
    int shard;
    Db* db;
    std::string key;
  };
  std::vector<Place> places;  // owner's thread only
};

// Registers `ws` on `keys` (current db). Runs with the keys' shards held.
void WatchKeys(CmdContext& cx, const std::shared_ptr<WatchSet>& ws,
               std::span<const std::string_view> keys);
// Removes `ws` from every key it watches (posted to the keys' shards).
void UnwatchAll(const std::shared_ptr<WatchSet>& ws);
// The dispatcher calls this after every write command.
void TouchWatchedKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db_index);

struct KeyWatchers;
void FreeKeyWatchers(KeyWatchers* w);

}  // namespace yotta
