// YottaStore. Licensed under the Apache License 2.0.
// ShardStore: one shard's side of the storage tier (DESIGN.md section 4).
//
// Writes. While `tracking` is on (persistence always/everysec, or it was on
// earlier in this run, so the disk may hold copies that must follow memory),
// every change to a key marks it dirty: Db's mutating primitives call Mark,
// and the dispatcher marks the declared keys of every write command (objects
// mutated in place). At the end of each loop iteration Flush() turns the
// dirty keys into one Batch (the key's current value, or a delete) and
// submits it with the next sequence number; a multi-shard transaction
// flushes all its shards as one batch (FlushTogether), so it is atomic on
// disk too. A key is "pending" from its mark until the batch holding its
// latest change is written.
//
// Reads. A db "may have cold keys" once RocksDB holds keys that memory does
// not (after a restart, or after eviction). Then a key absent from memory
// must be loaded before a command touches it: NeedsLoad says so, Load
// fetches the keys on the Store's reader threads (MultiGet, batched per
// iteration), inserts what it finds as clean entries, and runs the waiting
// callbacks on this shard's thread. A pending key is never read from disk
// before its write lands.
//
// Eviction with tiering on (with tiering off it deletes, as Redis does).
// With tracking on, only clean entries are evicted and they are simply
// dropped (their copy is on disk). With tracking off, an evicted value is
// written to disk first and deleted from disk when it is loaded back
// (memory and disk then hold disjoint keys).
//
// Thread-safety: like DbSlice, for the shard's thread or a transaction
// holding the shard; cold_possible() and last_written() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/store.h"

namespace yotta {

class Shard;
class ShardSet;
class Db;
class Entry;

class ShardStore {
 public:
  ShardStore(Shard* shard, int num_dbs);
  ~ShardStore();

  bool tracking() const { return tracking_.load(std::memory_order_relaxed); }
  // Set once at startup (server/storage.cc) when persistence is on; off
  // without a Store (unit tests, fuzzing).
  void set_tracking(bool t) { tracking_.store(t, std::memory_order_relaxed); }
  int num_dbs() const { return num_dbs_; }
  // A keyspace-wide op (FLUSHDB, SWAPDB) for the next batch; the caller
  // flushes first so earlier changes precede it (server_family.cc).
  void AddOp(storage::Op op) { extra_.push_back(std::move(op)); }
  // Persistence switched on at run time (tracking set already): marks
  // every resident key dirty, so the disk catches up with memory.
  void MarkAllResident();

  // A change to `key` of logical db `db`: any part of it.
  void Mark(int db, std::string_view key) {
    if (tracking()) MarkSlow(db, key, kFull);
  }
  // A change to its metadata only (expiry).
  void MarkMeta(int db, std::string_view key) {
    if (tracking()) MarkSlow(db, key, kMeta);
  }
  // A change to the elements named by args[idx...] only (HSET, SADD ...):
  // a big collection stored member-wise writes just those.
  void MarkMembers(int db, std::string_view key, std::span<const std::string_view> args,
                   std::span<const int> idx);
  // True iff the key has a change not yet written to RocksDB.
  bool IsPending(int db, std::string_view key) const;

  // Submits the dirty keys as one batch (end of loop iteration).
  void Flush();
  // One atomic batch for several shards (a transaction's coordinator).
  static void FlushTogether(std::span<ShardStore* const> stores);
  // FlushTogether over every shard (a command holding them all); returns
  // their stores in shard order.
  static std::vector<ShardStore*> FlushAll(ShardSet& set);
  // The seq a reply that saw this shard's state must wait for under
  // persistence always: the batch that holds (or will hold at the end of
  // this iteration) every change made so far.
  uint64_t RequiredSeq() const { return dirty_.empty() ? open_seq_ - 1 : open_seq_; }
  // The seq holding the key's latest change not yet written, or 0.
  uint64_t PendingSeq(int db, std::string_view key) const;

  // Any thread.
  bool cold_possible(int db) const { return cold_[db].load(std::memory_order_relaxed); }
  void set_cold_possible(int db, bool v) {
    cold_[db].store(v, std::memory_order_relaxed);
    if (v) any_cold_.store(true, std::memory_order_relaxed);
  }
  // True once any db may have had cold keys (a cheap first test).
  bool any_cold() const { return any_cold_.load(std::memory_order_relaxed); }
  // SWAPDB: swaps the dbs' cold flags and member-wise versions.
  void OnSwapDb(int a, int b);

  // True iff `key` must be loaded before a command may touch it.
  bool NeedsLoad(int db, std::string_view key);
  // Loads the keys (those that need it) and calls done() on this shard's
  // thread when all are settled. done may run before Load returns.
  void Load(int db, std::span<const std::string_view> keys, std::function<void()> done);

  // Eviction of `e` from db (which holds it); false if it may not be
  // evicted now (a pending change). Frees the entry when true.
  bool Evict(Db& db, Entry* e);
  // True iff eviction must take this storage-aware path.
  bool handles_eviction() const;

  // Called on this shard's thread when the Store published progress.
  void OnProgress();

  // INFO: keys read from RocksDB (cold loads) and how many were found.
  uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }
  uint64_t read_hits() const { return read_hits_.load(std::memory_order_relaxed); }

 private:
  struct Waiter {
    int remaining;
    std::function<void()> done;
  };
  struct Loading {
    std::vector<std::shared_ptr<Waiter>> waiters;
  };
  struct Submitted {
    uint64_t seq;
    std::vector<const std::string*> keys;
  };

  enum MarkKind : uint8_t { kFull = 1, kMeta = 2, kMembers = 4 };
  struct Pending {
    uint64_t seq = 0;  // the batch holding the latest change
    uint8_t kinds = 0; // MarkKind bits of this iteration's changes
  };
  using PendingMap = std::unordered_map<std::string, Pending>;

  // Returns the key's node, listed as dirty in this iteration.
  PendingMap::value_type& MarkSlow(int db, std::string_view key, MarkKind kind);
  // Appends the ops that bring the disk copy of `dk` up to date.
  void EncodeKey(const std::string& dk, const Pending& p, storage::Batch* batch);
  // Moves this iteration's changes into `batch` (no submit).
  void TakeChanges(storage::Batch* batch);
  void StartLoad(const std::string& dbkey, std::shared_ptr<Waiter> w);
  void SubmitLoads();
  void QueueOp(storage::Op op, const std::string& dbkey);
  void NoteAbsent(const std::string& dk);

 public:
  // A Store read came back (a data message on this shard).
  void ApplyLoaded(std::vector<std::string> dbkeys, std::vector<storage::LoadResult> results);

 private:

  Shard* shard_;
  int num_dbs_;
  std::atomic<bool> tracking_{false};  // read by other shards' threads
  std::unique_ptr<std::atomic<bool>[]> cold_;
  std::atomic<uint64_t> reads_{0}, read_hits_{0};
  std::atomic<bool> any_cold_{false};

  // dbkey ([db 1][key]) -> its latest change not yet written.
  PendingMap pending_;
  // Elements changed this iteration, for keys marked kMembers only.
  std::unordered_map<const std::string*, std::vector<std::string>> members_;
  // dbkey -> version of its member-wise record on disk (big collections).
  std::unordered_map<std::string, uint64_t> versions_;
  // Keys known to be on neither memory nor disk (a load found nothing, or
  // memory deleted them), so commands stop asking for them. Eviction of a
  // key removes it; bounded by clearing.
  std::unordered_set<std::string> absent_;
  std::vector<const std::string*> dirty_;       // keys changed this iteration
  std::vector<const std::string*> extra_keys_;  // keys of extra_
  std::vector<storage::Op> extra_;         // tiering writes, in order
  std::deque<Submitted> submitted_;
  uint64_t open_seq_ = 1;

  std::unordered_map<std::string, Loading> loading_;
  std::vector<std::string> to_load_;                            // submitted at Flush
  std::vector<std::pair<uint64_t, std::string>> wait_written_;  // pending keys to load later
};

// "[db][key]", the key ShardStore's maps use.
std::string DbKey(int db, std::string_view key);

}  // namespace yotta
