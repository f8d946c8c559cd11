// YottaStore. Licensed under the Apache License 2.0.
// DbSlice: the part of the keyspace one shard owns, as `databases` Db's
// (SELECT 0-15). Db is one db's table plus expiry bookkeeping.
//
// Thread-safety: shard-local. Only the owning shard's thread, or a
// transaction that holds the shard (server/transaction.h), may call these.
//
// Expiry: an entry whose expire time has passed is never returned; lookups
// delete it on the spot (lazy expiry) and ActiveExpire sweeps the tables a
// bounded number of buckets at a time on the shard's timer.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/entry.h"
#include "core/key_table.h"
#include "server/stats.h"

namespace yotta {

class DbSlice;

// The LRU clock in seconds (24 bits, wraps like Redis's); any thread.
uint32_t LruClock();
void UpdateLruClock();

class Db {
 public:
  explicit Db(DbSlice* slice) : slice_(slice) {}

  size_t size() const { return table_.size(); }
  size_t volatile_count() const { return volatile_; }

  // The live entry for `key`, or nullptr (expired entries are deleted).
  // Touches the LRU clock.
  Entry* Find(std::string_view key);
  // As Find, and counts a keyspace hit or miss (read commands).
  Entry* FindRead(std::string_view key);
  // Without touching the LRU clock or counting (OBJECT IDLETIME, TYPE).
  Entry* Peek(std::string_view key);
  // The slot holding the live entry, for in-place replacement; nullptr if
  // absent. Valid until the next call that may insert or delete.
  Entry** FindLink(std::string_view key);

  // Sets a string value, replacing any value of any type. expire_ms = 0
  // means no expiry; keep_ttl keeps an existing expiry instead.
  void SetString(std::string_view key, std::string_view val, int64_t expire_ms, bool keep_ttl);
  // Inserts `e` (a new entry from EntryAlloc); its key must be absent.
  void Insert(Entry* e);
  // Replaces the entry at `link` with `e` (same key); frees the old one
  // unless it is `e` itself or free_old is false.
  void Replace(Entry** link, Entry* e, bool free_old = true);
  // Removes and frees. Returns true iff the key existed (and was live).
  bool Delete(std::string_view key);
  void DeleteLink(Entry** link);
  // Removes the entry without freeing it (RENAME/MOVE hand it over).
  Entry* Detach(Entry** link);

  // Sets (ms > 0) or removes (ms = 0) the expiry of the entry at `link`.
  // Returns the possibly moved entry.
  Entry* SetExpire(Entry** link, int64_t ms);

  // Calls fn(Entry*) on each live entry.
  template <class F>
  void ForEachLive(F&& fn, int64_t now_ms) const {
    table_.ForEach([&](Entry* e) {
      if (!e->has_expire() || e->expire_ms() > now_ms) fn(e);
    });
  }
  KeyTable& table() { return table_; }
  void Clear();
  // Sweeps up to max_buckets buckets; returns how many keys expired.
  int ExpireSweep(int max_buckets, int64_t now_ms);
  bool IsExpired(const Entry* e, int64_t now_ms) const {
    return e->has_expire() && e->expire_ms() <= now_ms;
  }

 private:
  void CountVolatile(const Entry* e, int delta) {
    if (e->has_expire()) volatile_ += delta;
  }
  void Expire(Entry** link);

  DbSlice* slice_;
  KeyTable table_;
  size_t volatile_ = 0;
  uint64_t sweep_cursor_ = 0;
};

class DbSlice {
 public:
  DbSlice(int num_dbs, ShardStats* stats);

  int num_dbs() const { return static_cast<int>(dbs_.size()); }
  Db& db(int i) { return *dbs_[i]; }
  // Bytes of entries and their objects, plus tables.
  int64_t used_bytes() const;
  int64_t* bytes_counter() { return &bytes_; }
  ShardStats& stats() { return *stats_; }

  // Active expiry: sweeps every db with volatile keys until `budget_us`
  // passes. Returns the number of keys expired.
  int ActiveExpire(int64_t budget_us);
  void SwapDb(int a, int b) { dbs_[a].swap(dbs_[b]); }
  void FlushAll();

 private:
  std::vector<std::unique_ptr<Db>> dbs_;
  int64_t bytes_ = 0;
  ShardStats* stats_;
};

}  // namespace yotta
