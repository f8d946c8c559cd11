// YottaStore. Licensed under the Apache License 2.0.
// Commands that walk the whole keyspace: KEYS, SCAN and RANDOMKEY. They run
// with every shard held (kGlobal) and see the client's current db on each.
//
// SCAN cursor: the low `ShardBits()` bits name the shard, the rest is that
// shard's KeyTable::Scan cursor (Redis's reverse-binary cursor). Shards are
// visited in index order, so a key present for the whole iteration is
// returned at least once even if tables resize in between. With one shard
// the cursor is exactly Redis's.
#include <algorithm>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/str_util.h"
#include "commands/cold_keyspace.h"
#include "commands/scan_args.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"
#include "server/shard.h"
#include "server/storage.h"

namespace yotta {
namespace {


int ShardBits(int shards) {
  int bits = 0;
  while ((1 << bits) < shards) ++bits;
  return bits;
}

Db& ShardDb(CmdContext& cx, int shard) {
  return cx.shards().shard(shard)->slice().db(cx.db_index());
}

bool HasGlobChars(std::string_view p) { return p.find_first_of("*?[\\") != std::string_view::npos; }

void CmdKeys(CmdContext& cx) {
  std::string_view pattern = cx.arg(1);
  if (cold::Any(cx)) {
    cold::Keys(cx, pattern);
    return;
  }
  std::vector<std::string_view> keys;  // views into entries; nothing mutates before the reply
  if (!HasGlobChars(pattern)) {
    // A literal pattern names at most one key, on one shard.
    if (cx.DbFor(pattern).Peek(pattern)) keys.push_back(pattern);
  } else {
    bool all = pattern == "*";
    int64_t now = NowMs();
    for (int i = 0; i < cx.shards().size(); ++i) {
      ShardDb(cx, i).ForEachLive(
          [&](Entry* e) {
            if (all || GlobMatch(pattern, e->key())) keys.push_back(e->key());
          },
          now);
    }
  }
  cx.rb().BulkArray(keys);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. COUNT bounds the
// work (keys visited before filtering), as in Redis, not the reply size.
void CmdScan(CmdContext& cx) {
  scan_args::Args a;
  if (!scan_args::ParseCursor(cx, &a, 1) || !scan_args::ParseOptions(cx, &a, 2, true)) return;
  // Keys on disk only: with persistence on RocksDB has them all (and the
  // cursor is its); with tiering only, memory comes first, then disk.
  bool cold = cold::Any(cx);
  if (cold && (cx.shards().shard(0)->store().tracking() || (a.cursor >> 63))) {
    cold::Scan(cx, a);
    return;
  }
  uint64_t cursor = a.cursor;
  int shards = cx.shards().size();
  int bits = ShardBits(shards);
  int shard = static_cast<int>(cursor & ((uint64_t{1} << bits) - 1));
  uint64_t tcur = cursor >> bits;
  int64_t budget = std::min<int64_t>(a.count, int64_t{1} << 40) * scan_args::kBucketsPerElement;
  int64_t visited = 0, now = NowMs();
  std::vector<std::string_view> keys;
  auto collect = [&](Entry* e) {
    ++visited;
    if (e->has_expire() && e->expire_ms() <= now) return;
    if (!a.Match(e->key())) return;
    if (!a.type.empty() && !EqualsIgnoreCase(ObjTypeName(e->type()), a.type)) return;
    keys.push_back(e->key());
  };
  // A cursor naming a shard we do not have (another server's) ends at once.
  while (shard < shards) {
    KeyTable& table = ShardDb(cx, shard).table();
    do {
      tcur = table.Scan(tcur, collect);
    } while (tcur != 0 && --budget > 0 && visited < a.count);
    if (tcur == 0) ++shard;
    if (budget <= 0 || visited >= a.count) break;
  }
  uint64_t next = shard >= shards ? 0 : (tcur << bits) | static_cast<uint64_t>(shard);
  if (next == 0 && cold) next = uint64_t{1} << 63;  // memory done: disk from its start
  cx.rb().Array(2);
  cx.rb().Bulk(std::to_string(next));
  cx.rb().BulkArray(keys);
}

uint64_t NextRandom() {
  thread_local uint64_t s = static_cast<uint64_t>(MonotonicUs()) * 0x9E3779B97F4A7C15ull | 1;
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// RANDOMKEY: a shard chosen in proportion to its key count, then a random
// key of it. Expired keys found on the way are deleted and the draw repeats
// (bounded, so a db full of expired keys cannot stall the loop).
void CmdRandomKey(CmdContext& cx) {
  int shards = cx.shards().size();
  if (cold::Any(cx)) {
    // Memory or disk in proportion to their key counts (with persistence on,
    // disk has every key).
    uint64_t resident = 0;
    for (int i = 0; i < shards; ++i) resident += ShardDb(cx, i).size();
    uint64_t disk = static_cast<uint64_t>(std::max<int64_t>(0, TheStore()->key_count(cx.db_index())));
    bool tracking = cx.shards().shard(0)->store().tracking();
    if (tracking || resident == 0 || NextRandom() % (resident + disk) >= resident) {
      cold::RandomKey(cx);
      return;
    }
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    uint64_t total = 0;
    for (int i = 0; i < shards; ++i) total += ShardDb(cx, i).size();
    if (total == 0) break;
    uint64_t pick = NextRandom() % total;
    int s = 0;
    while (pick >= ShardDb(cx, s).size()) pick -= ShardDb(cx, s++).size();
    Db& db = ShardDb(cx, s);
    Entry* e = db.table().Random(NextRandom());
    if (!e) continue;
    if (!db.IsExpired(e, NowMs())) {
      cx.rb().Bulk(e->key());
      return;
    }
    std::string key(e->key());
    db.Delete(key);  // lazily expires it
  }
  cx.rb().Null();
}

}  // namespace

void RegisterScanCommands(CommandRegistry& reg) {
  const char* cat = "keyspace";
  reg.Add({"keys", 2, kReadOnly | kGlobal, {}, CmdKeys, "keyspace dangerous"});
  reg.Add({"scan", -2, kReadOnly | kGlobal, {}, CmdScan, cat});
  reg.Add({"randomkey", 1, kReadOnly | kGlobal, {}, CmdRandomKey, cat});
}

}  // namespace yotta
