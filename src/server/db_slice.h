// YottaStore. Licensed under the Apache License 2.0.
// DbSlice: the part of the keyspace one shard owns, as `databases` Db's
// (SELECT 0-15). Db is one db's table plus expiry bookkeeping.
//
// Thread-safety: shard-local. Only the owning shard's thread, or a
// transaction that holds the shard (server/transaction.h), may call these.
//
// Expiry: an entry whose expire time has passed is never returned; lookups
// delete it on the spot (lazy expiry) and ActiveExpire sweeps the tables a
// bounded number of buckets at a time on the shard's timer. Both count
// ShardStats::expired_keys.
//
// Access info: every lookup that "touches" a key (Find, FindRead) updates
// the entry's 24-bit access field: the LRU clock in seconds, or, while an
// LFU maxmemory-policy is selected, Redis's LFU pair (minutes of the last
// decay << 8 | logarithmic counter). New entries start at the current clock
// (LFU: counter 5, as Redis's LFU_INIT_VAL); a value replaced in place keeps
// its LFU data, as Redis 7.0 does. Switching policy at run time reinterprets
// the field; it settles as keys are accessed.
//
// Eviction (DESIGN.md section 3): FreeMemory evicts sampled keys of this
// shard per maxmemory-policy until used_bytes() is under the shard's share
// of maxmemory or a small time budget is spent, so no call pauses for time
// proportional to the data. The dispatcher calls it before every denyoom
// command on each shard the command's keys live on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/entry.h"
#include "core/key_table.h"
#include "server/stats.h"

namespace yotta {

class DbSlice;
class Db;
class ShardStore;

// Clients blocked on keys of one db (server/blocking.cc owns the type).
struct KeyWaiters;
void FreeKeyWaiters(KeyWaiters* w);
// Called when `e` enters a db that has waiters: marks its key ready if it
// is of a type blocked clients wait for (list, zset).
void SignalKeyReady(Db& db, const Entry* e);
// Clients watching keys of one db (server/watch.cc owns the type).
struct KeyWatchers;
void FreeKeyWatchers(KeyWatchers* w);

// The LRU clock in seconds (24 bits, wraps like Redis's); any thread.
uint32_t LruClock();
void UpdateLruClock();

// True iff maxmemory-policy is one of the LFU ones (the access field then
// holds LFU data). Any thread.
bool LfuPolicyActive();
// The entry's LFU counter after decay (OBJECT FREQ); does not store it.
uint8_t LfuCounter(const Entry* e);
// Seconds since the entry was last touched under LRU (OBJECT IDLETIME).
uint32_t IdleSeconds(const Entry* e);
// Access field for RESTORE's FREQ (LFU) and IDLETIME (LRU) options.
uint32_t LfuField(uint8_t counter);
uint32_t LruFieldForIdle(int64_t idle_seconds);
// Re-reads lfu-log-factor and lfu-decay-time (shard cron; any thread).

// Outcome of DbSlice::FreeMemory, as Redis's performEvictions.
enum class EvictStatus {
  kOk,       // under the limit (possibly after evicting)
  kRunning,  // the time budget ran out first: allow the command, go on next time
  kFail,     // over the limit and nothing can be evicted: reply OOM
};

class Db {
 public:
  friend class DbSlice;
  Db(DbSlice* slice, int index) : slice_(slice), index_(index) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  size_t size() const { return table_.size(); }
  size_t volatile_count() const { return volatile_; }
  DbSlice& slice() { return *slice_; }
  // The db's number (SELECT); SWAPDB renumbers.
  int index() const { return index_; }

  // The live entry for `key`, or nullptr (expired entries are deleted).
  // Touches the LRU clock.
  Entry* Find(std::string_view key);
  // As Find, and counts a keyspace hit or miss (read commands).
  Entry* FindRead(std::string_view key);
  // Without touching the LRU clock or counting.
  Entry* Peek(std::string_view key);
  // Records an access to `e` (LRU clock or LFU counter), as Find does.
  void Touch(Entry* e);
  // Without touching, but counting a hit or miss (EXISTS, TYPE, TTL, OBJECT).
  Entry* PeekRead(std::string_view key);
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
  // Makes room for a string value of `len` bytes in the entry at `link`,
  // keeping its bytes, TTL and chain position (APPEND, SETRANGE). Returns the
  // entry, which may have moved; `link` is updated. Amortized O(1) per byte.
  Entry* GrowString(Entry** link, size_t len);
  // Removes and frees. Returns true iff the key existed (and was live).
  // lazy: a value with many elements is freed on the lazy-free thread
  // (UNLINK); the byte count drops at once.
  bool Delete(std::string_view key, bool lazy = false);
  void DeleteLink(Entry** link, bool lazy = false);
  // Removes the entry without freeing it (RENAME/MOVE hand it over).
  Entry* Detach(Entry** link);
  // Inserts an entry handed over by Detach/Rekey, keeping its access info.
  // REQUIRES: its key is absent.
  void Attach(Entry* e);

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
  // Blocked clients waiting on keys of this db; created on first use.
  KeyWaiters*& waiters() { return waiters_; }
  // WATCHed keys of this db; created on first use.
  KeyWatchers*& watchers() { return watchers_; }
  void Clear();
  // Empties the db at once and frees the old entries on the lazy-free
  // thread (FLUSHDB/FLUSHALL ASYNC); `freed(delta)` is then called there
  // with the byte-count change, which the caller must apply on this
  // shard's thread (DbSlice::AdjustBytes).
  void ClearAsync(std::function<void(int64_t delta)> freed);
  // Sweeps up to max_buckets buckets; returns how many keys expired.
  int ExpireSweep(int max_buckets, int64_t now_ms);
  bool IsExpired(const Entry* e, int64_t now_ms) const {
    return e->has_expire() && e->expire_ms() <= now_ms;
  }

  // Records that the value of `key` changed in place outside a write
  // command (PFCOUNT's cached count), for the storage tier.
  void MarkChanged(std::string_view key) { Changed(key); }
  // Storage: a key loaded from disk, inserted clean (not marked changed).
  void InsertLoaded(Entry* e);
  // Removes and frees an evicted entry without recording a change (its
  // copy stays on disk).
  void Drop(Entry* e);

  // Eviction: appends up to `n` candidate entries (only ones with an expiry
  // if volatile_only), with bounded work. Pointers are valid until the next
  // mutating call.
  void SampleForEviction(bool volatile_only, int n, uint64_t* rng, std::vector<Entry*>* out);
  // Evicts a sampled entry (deletes it, or with storage drops or moves it
  // to disk) and counts it; false if it may not go now (a pending write).
  bool Evict(Entry* e);

 private:
  bool OverwriteInPlace(Entry* e, std::string_view val, int64_t expire_ms);
  void CountVolatile(const Entry* e, int delta) {
    if (e->has_expire()) volatile_ += delta;
  }
  void Expire(Entry** link);
  // Records a change of `key` for the storage tier.
  void Changed(std::string_view key);

  DbSlice* slice_;
  int index_;
  KeyWaiters* waiters_ = nullptr;
  KeyWatchers* watchers_ = nullptr;
  KeyTable table_;
  size_t volatile_ = 0;
  uint64_t sweep_cursor_ = 0;
  uint64_t evict_cursor_ = 0;  // bucket walk for sparse volatile keys
};

class DbSlice {
 public:
  DbSlice(int num_dbs, ShardStats* stats);

  int num_dbs() const { return static_cast<int>(dbs_.size()); }
  Db& db(int i) { return *dbs_[i]; }
  // Bytes of entries and their objects, plus tables.
  int64_t used_bytes() const;
  int64_t* bytes_counter() { return &bytes_; }
  // Collections keep the counter right when an object grows or shrinks:
  // add (ObjectOps::bytes after - before) once per mutation.
  void AdjustBytes(int64_t delta) { bytes_ += delta; }
  ShardStats& stats() { return *stats_; }

  // Active expiry: sweeps the dbs with volatile keys, a share of each table
  // per call (more while it keeps finding expired keys), until `budget_us`
  // passes; the next call resumes where this one ran out. Returns the number
  // of keys expired.
  int ActiveExpire(int64_t budget_us);
  // Evicts keys per maxmemory-policy until used_bytes() <= limit_bytes or
  // the eviction time budget is spent. kFail under noeviction, or when no
  // key qualifies (volatile-* with no key that has an expiry).
  // `keep`: keys that must stay in memory (the running command's, under
  // tiering: it found them resident and must not see them leave).
  // budget_us: the eviction time budget (Redis's tenacity); loads from disk
  // pass a larger one, as what they add must go out again.
  EvictStatus FreeMemory(int64_t limit_bytes, std::span<const std::string_view> keep = {},
                         int64_t budget_us = 500);
  void SwapDb(int a, int b);
  // The shard's storage side (nullptr in unit tests: no storage).
  ShardStore* store() const { return store_; }
  void set_store(ShardStore* s) { store_ = s; }
  void FlushAll();

 private:
  std::vector<std::unique_ptr<Db>> dbs_;
  int64_t bytes_ = 0;
  ShardStats* stats_;
  ShardStore* store_ = nullptr;
  uint64_t rng_ = 0x2545F4914F6CDD1Dull;  // eviction sampling
  size_t expire_db_ = 0;                  // where ActiveExpire resumes
};

}  // namespace yotta
