// YottaStore. Licensed under the Apache License 2.0.
// Store::Impl, shared by store.cc (open, commit thread) and store_read.cc
// (reader threads, checkpoint, stats). Private to src/storage.
//
// Invariants and threads:
// - map_ (logical -> physical db) is written only by the commit thread, under
//   map_mu_ held exclusively, in the same critical section as the Write() of
//   the group that changed it; readers hold map_mu_ shared for a whole read,
//   so a read never mixes two maps.
// - counts_ (by physical db) and the seqs are atomics published by the commit
//   thread after each successful group.
// - db and the handles live from Open() to the destructor (or
//   AbandonForTest); every thread that uses them is joined before they die.
//   The one exception is a reopen after a fatal RocksDB error: the commit
//   thread swaps them while holding map_mu exclusively, so readers (which
//   hold it shared) never see it happen.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/key_format.h"
#include "storage/store.h"

namespace yotta::storage {

class MembersFilterFactory;

// The text Store::error() shows for a failed RocksDB call: the errno text
// when one can be recognised ("No space left on device"), else ToString().
std::string ErrorText(const rocksdb::Status& s);

struct Store::Impl {
  Options opts;
  std::unique_ptr<rocksdb::Env> env;  // composite env over opts.file_system, or null
  std::shared_ptr<rocksdb::Cache> cache;
  std::shared_ptr<MembersFilterFactory> filter_factory;
  rocksdb::DBOptions dbo;
  std::vector<rocksdb::ColumnFamilyDescriptor> cf_descs;
  // Null only after a failed reopen (see Recover in store.cc).
  rocksdb::DB* db = nullptr;
  rocksdb::ColumnFamilyHandle* cf_default = nullptr;
  rocksdb::ColumnFamilyHandle* cf_meta = nullptr;
  rocksdb::ColumnFamilyHandle* cf_members = nullptr;
  bool closed = false;

  // Db map and counts.
  mutable std::shared_mutex map_mu;
  std::array<uint8_t, detail::kMaxDbs> map{};                  // guarded by map_mu
  std::array<std::atomic<int64_t>, detail::kMaxDbs> counts{};  // by physical db
  // By logical db, so key_count() never waits for map_mu (a shard loop may
  // call it while a SWAPDB group holds the lock across an fsync).
  std::array<std::atomic<int64_t>, detail::kMaxDbs> logical_counts{};

  // Commit queue.
  std::mutex q_mu;
  std::condition_variable q_cv;
  std::deque<Batch> queue;           // guarded by q_mu
  uint64_t submitted = 0;            // batches Submit()ted; guarded by q_mu
  uint64_t committed = 0;            // batches written; guarded by q_mu
  std::condition_variable drain_cv;  // committed or error changed
  bool stop = false;                 // guarded by q_mu
  bool abandon = false;              // guarded by q_mu
  std::atomic<int> requested_mode{0};
  std::thread commit_thread;

  // Seqs, by shard.
  std::unique_ptr<std::atomic<uint64_t>[]> written;
  std::unique_ptr<std::atomic<uint64_t>[]> durable;

  // Error state.
  mutable std::mutex err_mu;
  std::string error;  // guarded by err_mu
  std::atomic<bool> has_error{false};

  // Readers.
  std::mutex r_mu;
  std::condition_variable r_cv;
  std::deque<std::function<void()>> r_queue;  // guarded by r_mu
  bool r_stop = false;                        // guarded by r_mu
  std::vector<std::thread> readers;

  // Checkpoint threads, joined by the destructor.
  std::mutex cp_mu;
  struct CheckpointThread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::vector<CheckpointThread> cp_threads;  // guarded by cp_mu

  // store.cc
  rocksdb::Status OpenDb();  // opens db and the handles from dbo/cf_descs
  void CloseDb();
  bool IsEmpty();  // no record in any CF
  void CommitLoop();
  void Shutdown(bool abandon_now);
  void SetError(std::string text);  // "" clears
  void PublishCounts(const std::array<uint8_t, detail::kMaxDbs>& map,
                     const std::array<int64_t, detail::kMaxDbs>& counts);
  void Progress() const;

  // store_read.cc
  void StartReaders();
  void StopReaders();
  void PostRead(std::function<void()> task);
  std::vector<LoadResult> DoLoad(const std::vector<LoadRequest>& reqs);
  std::pair<std::vector<std::string>, uint64_t> DoScan(int db, uint64_t cursor, size_t count);
  std::vector<std::string> DoKeys(int db, const std::string& pattern);
  std::optional<std::string> DoRandomKey(int db);
  // Waits until the first `target` submitted batches are written; "" or error.
  std::string DoCheckpoint(uint64_t target, const std::string& path);
};

}  // namespace yotta::storage
