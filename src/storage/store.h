// YottaStore. Licensed under the Apache License 2.0.
// Store: the process's one RocksDB instance (DESIGN.md section 4), its commit
// thread and its reader threads. It knows nothing of shards' memory: shards
// hand it batches of encoded records and ask it for records back.
//
// Layout. Column families:
//   "default"  process metadata: format marker, db map, per-db key counts;
//   "meta"     one record per user key:  [db 1][h 8, big-endian][key] ->
//              [kind 1][version 8 iff kind == kMembers][payload...]
//              h = KeyHash(key); ordering by h gives SCAN a stable numeric
//              cursor that inserts and deletes cannot make skip a key;
//   "members"  one record per member of a key stored member-wise:
//              [db 1][h 8][keylen 4][key][version 8][member] -> member value.
//              A compaction filter drops members whose key's meta record is
//              gone or carries another version, so DEL of a huge key is one
//              delete of its meta record.
// `db` above is the physical db; SWAPDB swaps the logical->physical map
// (one record), so it costs O(1) on disk too.
//
// Writes. Shards (or a multi-shard transaction's coordinator) Submit()
// batches; a batch is atomic. The commit thread takes every batch queued so
// far, writes them as one rocksdb::WriteBatch (group commit) and:
//   kAlways    with WriteOptions::sync (one fsync per group);
//   kEverysec  without sync; the WAL is synced once a second;
//   kNo        with the WAL disabled (only tiering writes happen).
// Per-db key counts are kept exact by the commit thread (it checks whether
// each put/deleted meta key existed before) and stored in the same write.
// After each group it publishes written_seq(shard) (the batch is visible to
// readers) and durable_seq(shard) (it survives power loss under the current
// mode), then calls the completion hook.
//
// Errors. A failed write or sync sets error() (errno text, as Redis's MISCONF
// reply prints it) and the failed group is retried once a second, in order,
// until it succeeds; seqs do not advance meanwhile. Nothing is dropped.
//
// Reads run on `readers` dedicated threads (never on a shard loop, never on
// libuv's pool). Each Load is one MultiGet over "meta" plus one prefix scan of
// "members" per member-wise key found. Reads see every batch whose
// written_seq has been published.
//
// Thread-safety: every public method is safe from any thread. Callbacks run
// on a Store thread (commit or reader) and must only post work elsewhere.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yotta::storage {

enum class Persistence { kNo = 0, kEverysec = 1, kAlways = 2 };

// 64-bit hash of a user key for the "meta" ordering (any thread, stable
// across versions: it is part of the on-disk format).
uint64_t KeyHash(std::string_view key);

// A meta record's value, decoded.
struct Record {
  enum Kind : uint8_t { kInline = 0, kMembers = 1 };
  Kind kind = kInline;
  uint64_t version = 0;  // kMembers only
  std::string payload;   // opaque to the Store (the server's value codec)
};

// One change. All ops of a Batch are applied atomically, in order.
struct Op {
  enum Kind : uint8_t {
    kPut,           // meta[db, key] = record
    kDelete,        // delete meta[db, key] (its members die by compaction)
    kPutMember,     // members[db, key, version, member] = value
    kDeleteMember,  // delete members[db, key, version, member]
    kFlushDb,       // delete every key of db (FLUSHDB); count becomes 0
    kFlushAll,      // every db (FLUSHALL)
    kSwapDb,        // swap logical dbs `db` and `db2` (SWAPDB)
  };
  Kind kind;
  uint8_t db = 0;   // logical db
  uint8_t db2 = 0;  // kSwapDb
  std::string key;
  Record record;         // kPut
  uint64_t version = 0;  // member ops
  std::string member;    // member ops
  std::string value;     // kPutMember
};

struct Batch {
  std::vector<Op> ops;
  // (shard, seq) pairs this batch completes: once it is written, each
  // shard's written_seq becomes at least seq (and durable_seq once synced).
  std::vector<std::pair<int, uint64_t>> marks;
};

struct LoadRequest {
  uint8_t db;  // logical db
  std::string key;
};
struct LoadResult {
  bool found = false;
  Record record;
  // Member-wise keys: every (member, value) of record.version, in key order.
  std::vector<std::pair<std::string, std::string>> members;
};

struct Options {
  std::string dir;
  int num_shards = 1;
  int num_dbs = 16;
  int readers = 2;
  Persistence persistence = Persistence::kEverysec;
  // Called on the commit thread after every group (and every everysec sync)
  // that advanced a seq, and when error() changes.
  std::function<void()> on_progress;
  // Tests: the FileSystem to open RocksDB on (nullptr: the default one).
  std::shared_ptr<void> file_system;  // std::shared_ptr<rocksdb::FileSystem>
  // Period of the everysec WAL sync and of retries after a failed write or
  // sync. Tests shorten it. Default: 1000.
  int sync_interval_ms = 1000;
};

// Fault injection for tests and DEBUG commands (storage/fault_fs.h).
// MakeFaultFs returns a new FaultFs over the default FileSystem, as an
// Options::file_system value, and makes it the process's current one.
// SetFaultFsError makes every later write and sync of the current FaultFs
// fail with errno_like (EIO or ENOSPC) until called with 0; no-op without
// one. Any thread.
std::shared_ptr<void> MakeFaultFs();
void SetFaultFsError(int errno_like);

class Store {
 public:
  // Opens (or creates) the instance under options.dir. Fails with a clear
  // message when dir is unreadable, holds something that is not a YottaStore
  // data dir (a non-empty dir without our marker), is locked by another
  // process, or is corrupt; never overwrites such a dir. Under kNo the old
  // contents are dropped (a pure cache restarts empty).
  static std::unique_ptr<Store> Open(const Options& options, std::string* err);
  ~Store();  // writes what is queued, syncs, stops the threads

  void SetPersistence(Persistence p);
  Persistence persistence() const;

  // Queues a batch for the commit thread. Never blocks on I/O.
  void Submit(Batch batch);
  uint64_t written_seq(int shard) const;
  uint64_t durable_seq(int shard) const;
  // Non-empty while writes fail: Redis's MISCONF detail, e.g. "No space
  // left on device".
  std::string error() const;
  bool has_error() const;

  // Keys stored in logical db (exact as of the last written group).
  int64_t key_count(int db) const;

  // Reads on a reader thread; `done` runs there with one result per request.
  void Load(std::vector<LoadRequest> reqs, std::function<void(std::vector<LoadResult>)> done);

  // SCAN over the keys on disk of logical db, in KeyHash order. cursor 0
  // starts; the next cursor is 0 when done. Returns at least `count` keys
  // unless the db ends (more when several keys share a hash position; never
  // splits them across calls). Reader thread; `done` runs there.
  // The cursor is exact: a non-zero cursor c resumes at KeyHash (c - 1) << 1,
  // and the returned cursor is 1 + (KeyHash >> 1) of the first key not
  // returned; keys with equal KeyHash >> 1 always go out together. So a key
  // present for the whole scan is returned, and exactly once if nothing
  // changes.
  void Scan(int db, uint64_t cursor, size_t count,
            std::function<void(std::vector<std::string> keys, uint64_t next)> done);
  // Every key on disk of logical db (KEYS), filtered by the Redis glob
  // `pattern` ("*" for all). Reader thread.
  void Keys(int db, std::string pattern, std::function<void(std::vector<std::string>)> done);
  // A uniformly-ish random key on disk of logical db, or nullopt. Reader thread.
  void RandomKey(int db, std::function<void(std::optional<std::string>)> done);

  // SAVE/BGSAVE: a RocksDB checkpoint (hard links) of everything written so
  // far, into `path` (must not exist). Runs on its own thread; `done` gets ""
  // or the error.
  void Checkpoint(std::string path, std::function<void(std::string err)> done);

  // INFO: RocksDB's estimate of live data, approximate memory, etc.
  std::string Stats() const;

  // Tests only: simulates a crash. Stops every thread without writing what
  // is queued or syncing anything, and closes RocksDB without flushing
  // memtables. Afterwards only the destructor may be called.
  void AbandonForTest();

  // Defined in storage/store_impl.h; public only so that src/storage's
  // file-local helpers can name it.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  explicit Store(std::unique_ptr<Impl> impl);
};

// Fault injection (tests; DEBUG STORAGE-ERROR with storage-fault-injection
// yes): a process-wide FileSystem to pass as Options::file_system, whose
// writes and syncs fail with `err` (ENOSPC, EIO) while SetFaultFsError(err)
// is in force; 0 clears it.
std::shared_ptr<void> MakeFaultFs();
void SetFaultFsError(int err);

}  // namespace yotta::storage
