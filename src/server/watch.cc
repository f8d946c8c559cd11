// YottaStore. Licensed under the Apache License 2.0.
// The WATCH registry (see watch.h): per Db, watched key -> watching sets.
#include "server/watch.h"

#include <algorithm>
#include <unordered_map>

#include "server/command.h"
#include "server/command_context.h"
#include "server/shard.h"
#include "server/shard_set.h"

namespace yotta {

struct KeyWatchers {
  std::unordered_map<std::string, std::vector<std::shared_ptr<WatchSet>>> keys;
};

void FreeKeyWatchers(KeyWatchers* w) { delete w; }

namespace {
// Sets registered anywhere; lets TouchWatchedKeys return at once when none.
std::atomic<int64_t> g_watch_sets{0};

void MarkAll(Db& db) {
  if (!db.watchers()) return;
  for (auto& [key, sets] : db.watchers()->keys) {
    for (auto& ws : sets) ws->dirty.store(true, std::memory_order_relaxed);
  }
}
}  // namespace

void WatchKeys(CmdContext& cx, const std::shared_ptr<WatchSet>& ws,
               std::span<const std::string_view> keys) {
  if (ws->places.empty()) g_watch_sets.fetch_add(1);
  for (std::string_view k : keys) {
    Db& db = cx.DbFor(k);
    bool seen = false;
    for (const WatchSet::Place& p : ws->places) seen |= p.db == &db && p.key == k;
    if (seen) continue;
    if (!db.watchers()) db.watchers() = new KeyWatchers;
    db.watchers()->keys[std::string(k)].push_back(ws);
    ws->places.push_back({cx.shards().ShardOf(k), &db, std::string(k)});
  }
}

void UnwatchAll(const std::shared_ptr<WatchSet>& ws) {
  if (ws->places.empty()) return;
  g_watch_sets.fetch_sub(1);
  for (const WatchSet::Place& p : ws->places) {
    ShardSet::Global()->shard(p.shard)->PostData([ws, db = p.db, key = p.key] {
      KeyWatchers* kw = db->watchers();
      if (!kw) return;
      auto it = kw->keys.find(key);
      if (it == kw->keys.end()) return;
      auto& v = it->second;
      v.erase(std::remove(v.begin(), v.end(), ws), v.end());
      if (v.empty()) kw->keys.erase(it);
    });
  }
  ws->places.clear();
}

void TouchWatchedKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db_index) {
  if (g_watch_sets.load(std::memory_order_relaxed) == 0 || !(spec->flags & kWrite)) return;
  ShardSet* set = ShardSet::Global();
  if (spec->flags & kGlobal) {  // FLUSHALL, FLUSHDB, SWAPDB: every shard is held
    for (int s = 0; s < set->size(); ++s) {
      DbSlice& slice = set->shard(s)->slice();
      for (int d = 0; d < slice.num_dbs(); ++d) MarkAll(slice.db(d));
    }
    return;
  }
  thread_local std::vector<int> idx;
  if (!spec->KeyIndexes(args, &idx)) return;
  for (int i : idx) {
    Db& db = set->shard(set->ShardOf(args[i]))->slice().db(db_index);
    if (!db.watchers()) continue;
    auto it = db.watchers()->keys.find(std::string(args[i]));
    if (it == db.watchers()->keys.end()) continue;
    for (auto& ws : it->second) ws->dirty.store(true, std::memory_order_relaxed);
  }
}

}  // namespace yotta
