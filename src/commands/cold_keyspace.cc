// YottaStore. Licensed under the Apache License 2.0.
#include "commands/cold_keyspace.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/connection.h"
#include "server/shard.h"
#include "server/storage.h"

namespace yotta::cold {
namespace {

// SCAN in tiering-only mode walks memory first, then disk; a disk cursor c
// (1..2^63, the Store's) is sent as (c - 1) with the top bit set.
constexpr uint64_t kDiskPhase = uint64_t{1} << 63;

bool Tracking(CmdContext& cx) { return cx.shards().shard(0)->store().tracking(); }

// Submits every shard's changes; the seqs that make them visible to reads.
std::vector<uint64_t> BarrierSeqs(CmdContext& cx) {
  std::vector<uint64_t> seqs;
  for (ShardStore* s : ShardStore::FlushAll(cx.shards())) seqs.push_back(s->RequiredSeq());
  return seqs;
}

int64_t Resident(CmdContext& cx) {
  int64_t n = 0;
  for (int i = 0; i < cx.shards().size(); ++i) {
    n += static_cast<int64_t>(cx.shards().shard(i)->slice().db(cx.db_index()).size());
  }
  return n;
}

bool CanPark(CmdContext& cx) { return cx.conn() && cx.conn()->CanPark(); }

// Resident live keys matching `match` (views into entries: use at once).
template <class F>
void ForEachResident(CmdContext& cx, F&& fn) {
  int64_t now = NowMs();
  for (int i = 0; i < cx.shards().size(); ++i) {
    cx.shards().shard(i)->slice().db(cx.db_index()).ForEachLive([&](Entry* e) { fn(e->key()); }, now);
  }
}

// Calls done(kept) on a reader thread with the keys whose records exist,
// have not expired (KEYS and SCAN never show an expired key, as in Redis;
// an expired key on disk goes when it is touched) and are of `type` if set.
void FilterLive(int db, std::vector<std::string> keys, std::string type,
                std::function<void(std::vector<std::string>)> done) {
  if (keys.empty()) {
    done(std::move(keys));
    return;
  }
  std::vector<storage::LoadRequest> reqs;
  reqs.reserve(keys.size());
  for (const std::string& k : keys) reqs.push_back({static_cast<uint8_t>(db), k});
  auto owned = std::make_shared<std::vector<std::string>>(std::move(keys));
  TheStore()->Load(std::move(reqs), [owned, type, done = std::move(done)](std::vector<storage::LoadResult> res) {
    int64_t now = NowMs();
    std::vector<std::string> kept;
    for (size_t i = 0; i < res.size(); ++i) {
      const std::string& p = res[i].record.payload;
      if (!res[i].found || p.size() < 9) continue;
      int64_t exp;
      std::memcpy(&exp, p.data(), 8);
      if (exp && exp <= now) continue;
      auto t = static_cast<ObjType>(static_cast<unsigned char>(p[8]));
      if (!type.empty() && (static_cast<int>(t) >= kNumObjTypes || !EqualsIgnoreCase(ObjTypeName(t), type))) continue;
      kept.push_back(std::move((*owned)[i]));
    }
    done(std::move(kept));
  });
}

std::string KeysReply(int resp, const std::vector<std::string>& keys) {
  std::string out;
  ReplyBuilder rb(&out, resp);
  rb.Array(keys.size());
  for (const std::string& k : keys) rb.Bulk(k);
  return out;
}

}  // namespace

bool Any(CmdContext& cx) {
  for (int i = 0; i < cx.shards().size(); ++i) {
    if (cx.shards().shard(i)->store().cold_possible(cx.db_index())) return true;
  }
  return false;
}

void DbSize(CmdContext& cx) {
  int db = cx.db_index();
  bool tracking = Tracking(cx);
  int64_t resident = tracking ? 0 : Resident(cx);
  if (!CanPark(cx)) {
    int64_t disk = TheStore()->key_count(db);
    cx.rb().Integer(tracking ? std::max(disk, Resident(cx)) : resident + disk);
    return;
  }
  auto targets = BarrierSeqs(cx);
  Connection::Completion done = cx.conn()->Park();
  WhenWritten(std::move(targets), cx.conn()->home(), [done, db, resident] {
    done(":" + std::to_string(resident + TheStore()->key_count(db)) + "\r\n");
  });
}

void Keys(CmdContext& cx, std::string_view pattern) {
  auto mem = std::make_shared<std::vector<std::string>>();
  bool tracking = Tracking(cx);
  if (!tracking || !CanPark(cx)) {
    ForEachResident(cx, [&](std::string_view k) {
      if (pattern == "*" || GlobMatch(pattern, k)) mem->emplace_back(k);
    });
  }
  int resp = cx.conn() ? cx.conn()->resp() : 2;
  if (!CanPark(cx)) {
    cx.rb().Raw(KeysReply(resp, *mem));
    return;
  }
  int db = cx.db_index();
  auto targets = BarrierSeqs(cx);
  Connection::Completion done = cx.conn()->Park();
  Shard* home = cx.conn()->home();
  WhenWritten(std::move(targets), home, [done, db, home, mem, resp, p = std::string(pattern)] {
    TheStore()->Keys(db, p, [done, home, mem, resp, db](std::vector<std::string> disk) {
      FilterLive(db, std::move(disk), "", [done, home, mem, resp](std::vector<std::string> live) {
        live.insert(live.end(), mem->begin(), mem->end());
        home->PostControl([done, resp, keys = std::move(live)] { done(KeysReply(resp, keys)); });
      });
    });
  });
}

void Scan(CmdContext& cx, const scan_args::Args& a) {
  // Tiering only: the memory phase is the ordinary SCAN (the caller), up to
  // its end; here only disk-phase cursors arrive (and cursor 0 when
  // tracking, where RocksDB has every key).
  int resp = cx.conn() ? cx.conn()->resp() : 2;
  bool phase_bit = !Tracking(cx);
  uint64_t store_cursor = !phase_bit ? a.cursor : (a.cursor & ~kDiskPhase) + 1;
  if (!CanPark(cx)) {
    cx.rb().Array(2);
    cx.rb().Bulk("0");
    cx.rb().Array(0);
    return;
  }
  int db = cx.db_index();
  auto targets = BarrierSeqs(cx);
  Connection::Completion done = cx.conn()->Park();
  Shard* home = cx.conn()->home();
  std::string pattern(a.use_pattern ? a.pattern : std::string_view());
  size_t count = static_cast<size_t>(std::max<int64_t>(1, std::min<int64_t>(a.count, 1 << 20)));
  std::string type(a.type);
  WhenWritten(std::move(targets), home, [=] {
    TheStore()->Scan(db, store_cursor, count, [=](std::vector<std::string> keys, uint64_t next) {
      std::vector<std::string> out;
      for (std::string& k : keys) {
        if (pattern.empty() || GlobMatch(pattern, k)) out.push_back(std::move(k));
      }
      uint64_t cur = next == 0 ? 0 : phase_bit ? ((next - 1) | kDiskPhase) : next;
      auto reply = [=](const std::vector<std::string>& ks) {
        std::string r;
        ReplyBuilder rb(&r, resp);
        rb.Array(2);
        rb.Bulk(std::to_string(cur));
        rb.Array(ks.size());
        for (const std::string& k : ks) rb.Bulk(k);
        home->PostControl([done, r = std::move(r)] { done(r); });
      };
      // The records say which keys are live and (TYPE) of which type.
      FilterLive(db, std::move(out), type, [reply](std::vector<std::string> live) { reply(live); });
    });
  });
}

void RandomKey(CmdContext& cx) {
  if (!CanPark(cx)) {
    cx.rb().Null();
    return;
  }
  int db = cx.db_index();
  int resp = cx.conn()->resp();
  Connection::Completion done = cx.conn()->Park();
  Shard* home = cx.conn()->home();
  TheStore()->RandomKey(db, [done, home, resp](std::optional<std::string> k) {
    std::string reply;
    ReplyBuilder rb(&reply, resp);
    if (k) {
      rb.Bulk(*k);
    } else {
      rb.Null();
    }
    home->PostControl([done, reply = std::move(reply)] { done(reply); });
  });
}

}  // namespace yotta::cold
