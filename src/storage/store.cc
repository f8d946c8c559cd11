// YottaStore. Licensed under the Apache License 2.0.
// Store: opening and validating the data dir, the compaction filter of
// "members", and the commit thread (group commit, exact key counts,
// persistence modes, error retry). Reads live in store_read.cc.
#include "storage/store.h"

#include <rocksdb/convenience.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "base/logging.h"
#include "storage/members_filter.h"
#include "storage/store_impl.h"

namespace yotta::storage {

using detail::kMaxDbs;

std::string ErrorText(const rocksdb::Status& s) {
  std::string text = s.ToString();
  for (int e : {ENOSPC, EIO, EROFS, EDQUOT, EACCES, EPERM, ENOENT, EMFILE, ENFILE}) {
    const char* msg = std::strerror(e);
    if (text.find(msg) != std::string::npos) return msg;
  }
  if (s.IsNoSpace()) return std::strerror(ENOSPC);
  return text;
}

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxGroupBatches = 4096;

std::string Big64(uint64_t v) {
  std::string s;
  detail::PutBig64(&s, v);
  return s;
}

rocksdb::CompressionType PickCompression() {
  for (auto c : rocksdb::GetSupportedCompressions()) {
    if (c == rocksdb::kLZ4Compression) return c;
  }
  return rocksdb::kNoCompression;
}

std::string Foreign(const std::string& dir) {
  return "dir '" + dir +
         "' is not a YottaStore data directory (found files but no YottaStore marker); "
         "refusing to touch it";
}

// The commit thread's own state: the tentative map/counts of the group being
// built, what is written but not yet synced, the mode in force.
struct CommitState {
  Persistence mode;
  std::array<uint8_t, kMaxDbs> map;
  std::array<int64_t, kMaxDbs> counts;
  std::vector<uint64_t> pending;  // by shard: highest seq written, maybe unsynced
  bool unsynced = false;          // writes since the last successful WAL sync
  Clock::time_point next_sync;
  int error_source = 0;  // 0 none, 1 write, 2 sync
  // A write or sync failed and RocksDB has not recovered yet: its WAL writer
  // is poisoned, and touching it (SyncWAL, FlushWAL) fails or even asserts.
  bool needs_recover = false;
};

rocksdb::WriteOptions WriteOptionsFor(Persistence mode) {
  rocksdb::WriteOptions wo;
  wo.sync = mode == Persistence::kAlways;
  wo.disableWAL = mode == Persistence::kNo;
  return wo;
}

}  // namespace

// ---------------------------------------------------------------------------
// Commit thread.

namespace {

// Builds one group's WriteBatch; on success the caller adopts `map`/`counts`.
class GroupBuilder {
 public:
  GroupBuilder(Store::Impl* s, const CommitState& st) : s_(s), map_(st.map), counts_(st.counts) {}

  // Returns false (and the status) if a read needed to keep counts failed.
  rocksdb::Status Build(const std::vector<Batch>& group) {
    for (const Batch& b : group) {
      for (const Op& op : b.ops) {
        rocksdb::Status st = Apply(op);
        if (!st.ok()) return st;
      }
    }
    for (int p = 0; p < kMaxDbs; ++p) {
      if (dirty_[p]) wb_.Put(s_->cf_default, detail::CountKey(p), Big64(counts_[p]));
    }
    if (map_changed_) {
      wb_.Put(s_->cf_default, detail::kDbMapKey,
              std::string(reinterpret_cast<const char*>(map_.data()), map_.size()));
    }
    return rocksdb::Status::OK();
  }

  rocksdb::WriteBatch* batch() { return &wb_; }
  bool map_changed() const { return map_changed_; }
  const std::array<uint8_t, kMaxDbs>& map() const { return map_; }
  const std::array<int64_t, kMaxDbs>& counts() const { return counts_; }

 private:
  rocksdb::Status Exists(const std::string& mk, uint8_t p, bool* exists) {
    auto it = overlay_.find(mk);
    if (it != overlay_.end()) {
      *exists = it->second;
      return rocksdb::Status::OK();
    }
    if (flushed_[p]) {
      *exists = false;
      return rocksdb::Status::OK();
    }
    rocksdb::PinnableSlice v;
    rocksdb::Status st = s_->db->Get(rocksdb::ReadOptions(), s_->cf_meta, mk, &v);
    if (st.IsNotFound()) {
      *exists = false;
      return rocksdb::Status::OK();
    }
    *exists = st.ok();
    return st;
  }

  void Flush(uint8_t p) {
    std::string b(1, static_cast<char>(p)), e = detail::DbEnd(p);
    wb_.DeleteRange(s_->cf_meta, b, e);
    wb_.DeleteRange(s_->cf_members, b, e);
    counts_[p] = 0;
    dirty_[p] = true;
    flushed_[p] = true;
    for (auto it = overlay_.begin(); it != overlay_.end();) {
      it = static_cast<uint8_t>(it->first[0]) == p ? overlay_.erase(it) : std::next(it);
    }
  }

  rocksdb::Status Apply(const Op& op) {
    YCHECK(op.db < s_->opts.num_dbs);
    uint8_t p = map_[op.db];
    switch (op.kind) {
      case Op::kPut:
      case Op::kDelete: {
        std::string mk = detail::MetaKey(p, op.key);
        bool existed = false;
        rocksdb::Status st = Exists(mk, p, &existed);
        if (!st.ok()) return st;
        bool put = op.kind == Op::kPut;
        if (put) {
          wb_.Put(s_->cf_meta, mk, detail::EncodeRecord(op.record));
        } else {
          wb_.Delete(s_->cf_meta, mk);
        }
        if (existed != put) {
          counts_[p] += put ? 1 : -1;
          dirty_[p] = true;
        }
        overlay_[std::move(mk)] = put;
        return st;
      }
      case Op::kPutMember:
        wb_.Put(s_->cf_members, detail::MemberKey(p, op.key, op.version, op.member), op.value);
        break;
      case Op::kDeleteMember:
        wb_.Delete(s_->cf_members, detail::MemberKey(p, op.key, op.version, op.member));
        break;
      case Op::kFlushDb:
        Flush(p);
        break;
      case Op::kFlushAll: {
        wb_.DeleteRange(s_->cf_meta, "", "\xff");
        wb_.DeleteRange(s_->cf_members, "", "\xff");
        overlay_.clear();
        for (int q = 0; q < kMaxDbs; ++q) {
          if (counts_[q] != 0) dirty_[q] = true;
          counts_[q] = 0;
          flushed_[q] = true;
        }
        break;
      }
      case Op::kSwapDb:
        YCHECK(op.db2 < s_->opts.num_dbs);
        std::swap(map_[op.db], map_[op.db2]);
        map_changed_ = true;
        break;
    }
    return rocksdb::Status::OK();
  }

  Store::Impl* s_;
  rocksdb::WriteBatch wb_;
  std::array<uint8_t, kMaxDbs> map_;
  std::array<int64_t, kMaxDbs> counts_;
  std::array<bool, kMaxDbs> dirty_{};
  std::array<bool, kMaxDbs> flushed_{};
  bool map_changed_ = false;
  std::unordered_map<std::string, bool> overlay_;  // meta key -> exists, this group
};

}  // namespace

void Store::Impl::SetError(std::string text) {
  {
    std::lock_guard lock(err_mu);
    if (error == text) return;
    if (!text.empty()) YLOG(kWarning, "storage: %s", text.c_str());
    error = std::move(text);
    has_error.store(!error.empty());
  }
  {
    std::lock_guard lock(q_mu);
    drain_cv.notify_all();
  }
  Progress();
}

void Store::Impl::Progress() const {
  if (opts.on_progress) opts.on_progress();
}

namespace {

// Sleeps one retry interval. False when it is time to give up: the store is
// being abandoned, or it is stopping and `*stop_budget` retries are spent.
bool WaitRetry(Store::Impl* s, int* stop_budget) {
  std::unique_lock lock(s->q_mu);
  s->q_cv.wait_for(lock, std::chrono::milliseconds(s->opts.sync_interval_ms),
                   [s] { return s->abandon; });
  if (s->abandon) return false;
  return !s->stop || (*stop_budget)-- > 0;
}

// Can we write and sync a small file in dir? Decides whether reopening
// RocksDB after a fatal background error has a chance.
bool ProbeDisk(Store::Impl* s) {
  rocksdb::FileSystem* fs =
      s->env ? s->env->GetFileSystem().get() : rocksdb::FileSystem::Default().get();
  std::string path = s->opts.dir + "/.yotta_probe";
  std::unique_ptr<rocksdb::FSWritableFile> f;
  rocksdb::IOOptions io;
  rocksdb::IOStatus st = fs->NewWritableFile(path, rocksdb::FileOptions(), &f, nullptr);
  if (st.ok()) st = f->Append("probe", io, nullptr);
  if (st.ok()) st = f->Sync(io, nullptr);
  if (f) f->Close(io, nullptr).PermitUncheckedError();
  f.reset();
  fs->DeleteFile(path, io, nullptr).PermitUncheckedError();
  return st.ok();
}

// After a failed write RocksDB refuses writes until Resume(). Some errors
// (EIO on the WAL) are fatal to the instance: Resume() never succeeds, so
// once the disk answers again we close and reopen it (WAL replay restores
// everything written; under persistence no, unflushed memtables are lost).
// True iff RocksDB is healthy again.
bool Recover(Store::Impl* s) {
  rocksdb::Status st = s->db->Resume();
  if (st.ok()) return true;
  if (st.IsBusy() || st.IsNotSupported()) return false;  // Busy: auto-recovery running
  if (!ProbeDisk(s)) return false;
  YLOG(kWarning, "storage: RocksDB cannot resume (%s); reopening it", st.ToString().c_str());
  std::unique_lock lock(s->map_mu);  // no reader inside RocksDB meanwhile
  s->CloseDb();
  for (;;) {
    st = s->OpenDb();
    if (st.ok()) return true;
    s->SetError(ErrorText(st));
    int budget = 3;
    if (!WaitRetry(s, &budget)) break;
  }
  // Giving up while stopping: the instance stays closed.
  return false;
}

void Publish(Store::Impl* s, CommitState* st, const std::vector<Batch>& group) {
  for (const Batch& b : group) {
    for (auto [shard, seq] : b.marks) {
      YCHECK(shard >= 0 && shard < s->opts.num_shards);
      if (seq > st->pending[shard]) st->pending[shard] = seq;
      if (seq > s->written[shard].load()) s->written[shard].store(seq);
      if (st->mode != Persistence::kEverysec && seq > s->durable[shard].load()) {
        s->durable[shard].store(seq);
      }
    }
  }
}

// Writes one group, retrying until it succeeds. False iff given up
// (abandoned, or still failing while stopping). The WriteBatch is built once
// and retried as is: a failed write may still have reached the WAL (appended,
// not synced) and be replayed, and re-applying the same batch is idempotent
// (every op overwrites; the counts it stores are absolute), while rebuilding
// it against the replayed state would count its keys twice.
bool CommitGroup(Store::Impl* s, CommitState* st, const std::vector<Batch>& group) {
  int stop_budget = 3;
  std::unique_ptr<GroupBuilder> gb;
  for (;;) {
    rocksdb::Status status;
    if (s->db == nullptr) {
      status = rocksdb::Status::IOError("RocksDB is closed after a failed reopen");
    } else {
      if (!gb) {
        gb = std::make_unique<GroupBuilder>(s, *st);
        status = gb->Build(group);
        if (!status.ok()) gb.reset();
      }
      if (gb) {
        std::unique_lock<std::shared_mutex> map_lock(s->map_mu, std::defer_lock);
        if (gb->map_changed()) map_lock.lock();
        status = s->db->Write(WriteOptionsFor(st->mode), gb->batch());
        if (status.ok()) {
          st->map = gb->map();
          st->counts = gb->counts();
          if (gb->map_changed()) s->map = gb->map();
          s->PublishCounts(st->map, st->counts);
        }
      }
    }
    if (status.ok()) {
      if (st->mode == Persistence::kEverysec) st->unsynced = true;
      Publish(s, st, group);
      {
        std::lock_guard lock(s->q_mu);
        s->committed += group.size();
        s->drain_cv.notify_all();
      }
      st->needs_recover = false;
      if (st->error_source == 1) {
        st->error_source = 0;
        s->SetError("");
      }
      s->Progress();
      return true;
    }
    st->error_source = 1;
    st->needs_recover = true;
    s->SetError(ErrorText(status));
    if (!WaitRetry(s, &stop_budget)) return false;
    if (s->db != nullptr && Recover(s)) st->needs_recover = false;
  }
}

// Everysec: fsync the WAL, then durable_seq catches up with written_seq.
void SyncWal(Store::Impl* s, CommitState* st) {
  if (s->db == nullptr) return;
  if (st->needs_recover) {
    if (!Recover(s)) return;  // error() keeps the first failure's text
    st->needs_recover = false;
  }
  std::vector<uint64_t> snapshot = st->pending;
  rocksdb::Status status = s->db->SyncWAL();
  if (!status.ok()) {
    st->error_source = 2;
    st->needs_recover = true;
    s->SetError(ErrorText(status));
    return;
  }
  st->unsynced = false;
  bool advanced = false;
  for (int i = 0; i < s->opts.num_shards; ++i) {
    if (snapshot[i] > s->durable[i].load()) {
      s->durable[i].store(snapshot[i]);
      advanced = true;
    }
  }
  if (st->error_source == 2) {
    st->error_source = 0;
    s->SetError("");
  }
  if (advanced) s->Progress();
}

void CatchUpDurable(Store::Impl* s, CommitState* st) {
  for (int i = 0; i < s->opts.num_shards; ++i) {
    if (s->written[i].load() > s->durable[i].load()) s->durable[i].store(s->written[i].load());
  }
}

// Mode switches happen between groups, on the commit thread.
void SwitchMode(Store::Impl* s, CommitState* st, Persistence to) {
  Persistence from = st->mode;
  // Not while RocksDB needs recovery: the WAL flush below would hit the
  // poisoned writer. The switch waits (CommitLoop does not spin on it).
  if (from == to || s->db == nullptr || st->needs_recover) return;
  if (from == Persistence::kNo) {
    // Unlogged writes become durable through SSTs before the WAL takes over.
    rocksdb::FlushOptions fo;
    fo.wait = true;
    rocksdb::Status status = s->db->Flush(
        fo, std::vector<rocksdb::ColumnFamilyHandle*>{s->cf_default, s->cf_meta, s->cf_members});
    if (!status.ok()) s->SetError(ErrorText(status));
  } else if (from == Persistence::kEverysec || to == Persistence::kNo) {
    rocksdb::Status status = s->db->FlushWAL(true);
    if (!status.ok()) s->SetError(ErrorText(status));
  }
  st->mode = to;
  st->unsynced = false;
  CatchUpDurable(s, st);
  s->Progress();
}

}  // namespace

void Store::Impl::CommitLoop() {
  CommitState st;
  st.mode = static_cast<Persistence>(requested_mode.load());
  {
    std::shared_lock lock(map_mu);
    st.map = map;
  }
  for (int p = 0; p < kMaxDbs; ++p) st.counts[p] = counts[p].load();  // published by Open
  st.pending.assign(opts.num_shards, 0);
  const auto interval = std::chrono::milliseconds(opts.sync_interval_ms);
  st.next_sync = Clock::now() + interval;

  for (;;) {
    std::vector<Batch> group;
    bool stopping;
    {
      std::unique_lock lock(q_mu);
      auto ready = [&] {
        return stop || abandon || !queue.empty() ||
               (requested_mode.load() != static_cast<int>(st.mode) && !st.needs_recover);
      };
      if (st.mode == Persistence::kEverysec && (st.unsynced || st.error_source == 2)) {
        q_cv.wait_until(lock, st.next_sync, ready);
      } else {
        q_cv.wait(lock, ready);
      }
      if (abandon) return;
      stopping = stop;
      // Bounded groups keep one WriteBatch (and one retry) a sane size; the
      // rest goes in the next round.
      while (!queue.empty() && group.size() < kMaxGroupBatches) {
        group.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    SwitchMode(this, &st, static_cast<Persistence>(requested_mode.load()));
    if (!group.empty() && !CommitGroup(this, &st, group)) {
      if (abandon) return;
      YLOG(kWarning, "storage: giving up on %zu unwritten batches at shutdown", group.size());
      return;
    }
    if (st.mode == Persistence::kEverysec && (st.unsynced || st.error_source == 2) &&
        (stopping || Clock::now() >= st.next_sync)) {
      SyncWal(this, &st);
      st.next_sync = Clock::now() + interval;
    }
    if (stopping) {
      std::lock_guard lock(q_mu);
      if (queue.empty()) return;
    }
  }
}

// ---------------------------------------------------------------------------
// Open.

namespace {

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                       size_t write_buffer) {
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = true;
  // Filters and indexes stay in memory outside the block cache (about 10
  // bits per key): with them in a 64 MB cache, the commit thread's existence
  // checks and cold misses re-read multi-MB filter blocks from disk.
  t.cache_index_and_filter_blocks = false;
  t.block_cache = cache;
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  cf.write_buffer_size = write_buffer;
  cf.compression = PickCompression();
  return cf;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string OpenError(const std::string& dir, const rocksdb::Status& s) {
  std::string text = s.ToString();
  if (s.IsIOError() &&
      (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos)) {
    return "dir '" + dir +
           "' is locked by another process (is another YottaStore using it?): " + text;
  }
  return "cannot open data dir '" + dir + "': " + text;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Store> Store::Open(const Options& options, std::string* err) {
  namespace fs = std::filesystem;
  const std::string& dir = options.dir;
  if (dir.empty()) {
    *err = "data dir is not set";
    return nullptr;
  }
  if (options.num_dbs < 1 || options.num_dbs > kMaxDbs || options.num_shards < 1 ||
      options.readers < 1 || options.sync_interval_ms < 1) {
    *err = "invalid storage options (num_dbs 1.." + std::to_string(kMaxDbs) +
           ", num_shards, readers and sync_interval_ms >= 1)";
    return nullptr;
  }
  std::error_code ec;
  auto status = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    *err = "cannot access data dir '" + dir + "': " + ec.message();
    return nullptr;
  }
  if (fs::exists(status) && !fs::is_directory(status)) {
    *err = "data dir '" + dir + "' exists and is not a directory";
    return nullptr;
  }
  if (!fs::exists(status) && !fs::create_directories(dir, ec) && ec) {
    *err = "cannot create data dir '" + dir + "': " + ec.message();
    return nullptr;
  }
  fs::directory_iterator it(dir, ec);
  if (ec) {
    *err = "cannot read data dir '" + dir + "': " + ec.message();
    return nullptr;
  }
  const bool fresh = it == fs::directory_iterator();

  auto impl = std::make_unique<Impl>();
  impl->opts = options;
  impl->requested_mode.store(static_cast<int>(options.persistence));
  impl->cache = rocksdb::NewLRUCache(64 << 20);
  impl->filter_factory = std::make_shared<MembersFilterFactory>();

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = fresh;
  dbo.create_missing_column_families = true;
  dbo.max_background_jobs = 2;
  dbo.keep_log_file_num = 4;
  dbo.max_manifest_file_size = 64 << 20;
  if (options.file_system) {
    impl->env = rocksdb::NewCompositeEnv(
        std::static_pointer_cast<rocksdb::FileSystem>(options.file_system));
    dbo.env = impl->env.get();
  }

  if (!fresh) {
    if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
      *err = Foreign(dir);
      return nullptr;
    }
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(dbo, dir, &names);
    if (!s.ok()) {
      *err = OpenError(dir, s);
      return nullptr;
    }
    if (!Contains(names, "meta") || !Contains(names, "members")) {
      *err = Foreign(dir);
      return nullptr;
    }
  }

  auto cf_default = CfOptions(impl->cache, 4 << 20);
  auto cf_meta = CfOptions(impl->cache, 32 << 20);
  cf_meta.memtable_whole_key_filtering = true;
  cf_meta.memtable_prefix_bloom_size_ratio = 0.02;
  auto cf_members = CfOptions(impl->cache, 32 << 20);
  cf_members.compaction_filter_factory = impl->filter_factory;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, cf_default}, {"meta", cf_meta}, {"members", cf_members}};
  impl->dbo = dbo;
  impl->cf_descs = cfs;
  rocksdb::Status s = impl->OpenDb();
  if (!s.ok()) {
    *err = OpenError(dir, s);
    return nullptr;
  }
  Impl* m = impl.get();
  auto close = [m] {
    m->CloseDb();
    m->closed = true;
  };

  rocksdb::WriteOptions sync_wo;
  sync_wo.sync = true;
  std::string marker;
  s = impl->db->Get(rocksdb::ReadOptions(), impl->cf_default, detail::kMarkerKey, &marker);
  if (fresh) {
    if (s.ok() || !s.IsNotFound()) {
      close();
      *err = s.ok() ? Foreign(dir) : OpenError(dir, s);
      return nullptr;
    }
    s = impl->db->Put(sync_wo, impl->cf_default, detail::kMarkerKey, detail::kMarkerValue);
  } else if (s.IsNotFound()) {
    if (!impl->IsEmpty()) {
      close();
      *err = Foreign(dir);
      return nullptr;
    }
    // Our own first Open died between creating the CFs and writing the
    // marker: nothing to protect, adopt it.
    s = impl->db->Put(sync_wo, impl->cf_default, detail::kMarkerKey, detail::kMarkerValue);
  } else if (s.ok() && marker != detail::kMarkerValue) {
    close();
    *err = "data dir '" + dir + "' has YottaStore format '" + marker +
           "', which this version does not support";
    return nullptr;
  }
  if (!s.ok()) {
    close();
    *err = OpenError(dir, s);
    return nullptr;
  }

  if (!fresh && options.persistence == Persistence::kNo) {
    // A pure cache restarts empty: drop both CFs whole (O(1), files go in
    // the background) and the bookkeeping, keep the marker.
    impl->filter_factory->Set(nullptr, nullptr);
    for (auto** h : {&impl->cf_meta, &impl->cf_members}) {
      std::string name = (*h)->GetName();
      s = impl->db->DropColumnFamily(*h);
      if (s.ok()) s = impl->db->DestroyColumnFamilyHandle(*h);
      *h = nullptr;
      if (s.ok()) s = impl->db->CreateColumnFamily(name == "meta" ? cf_meta : cf_members, name, h);
      if (!s.ok()) {
        close();
        *err = OpenError(dir, s);
        return nullptr;
      }
    }
    rocksdb::WriteBatch wb;
    wb.DeleteRange(impl->cf_default, "count/", "count0");
    wb.Delete(impl->cf_default, detail::kDbMapKey);
    s = impl->db->Write(sync_wo, &wb);
    if (!s.ok()) {
      close();
      *err = OpenError(dir, s);
      return nullptr;
    }
  }

  // Db map and counts.
  for (int p = 0; p < kMaxDbs; ++p) impl->map[p] = static_cast<uint8_t>(p);
  std::string v;
  s = impl->db->Get(rocksdb::ReadOptions(), impl->cf_default, detail::kDbMapKey, &v);
  if (s.ok() && v.size() == static_cast<size_t>(kMaxDbs)) {
    std::memcpy(impl->map.data(), v.data(), kMaxDbs);
  } else if (!s.IsNotFound()) {
    close();
    *err = s.ok() ? "data dir '" + dir + "': corrupt db map record" : OpenError(dir, s);
    return nullptr;
  }
  std::array<int64_t, kMaxDbs> counts{};
  for (int p = 0; p < kMaxDbs; ++p) {
    s = impl->db->Get(rocksdb::ReadOptions(), impl->cf_default, detail::CountKey(p), &v);
    int64_t c = 0;
    if (s.ok() && v.size() == 8) {
      c = static_cast<int64_t>(detail::GetBig64(v.data()));
    } else if (!s.IsNotFound()) {
      close();
      *err = s.ok() ? "data dir '" + dir + "': corrupt key count record" : OpenError(dir, s);
      return nullptr;
    }
    counts[p] = c;
  }
  impl->PublishCounts(impl->map, counts);

  impl->filter_factory->Set(impl->db, impl->cf_meta);
  impl->written = std::make_unique<std::atomic<uint64_t>[]>(options.num_shards);
  impl->durable = std::make_unique<std::atomic<uint64_t>[]>(options.num_shards);
  for (int i = 0; i < options.num_shards; ++i) {
    impl->written[i].store(0);
    impl->durable[i].store(0);
  }
  impl->commit_thread = std::thread([m] { m->CommitLoop(); });
  impl->StartReaders();
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

bool Store::Impl::IsEmpty() {
  for (auto* h : {cf_default, cf_meta, cf_members}) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
    it->SeekToFirst();
    if (it->Valid() || !it->status().ok()) return false;
  }
  return true;
}

rocksdb::Status Store::Impl::OpenDb() {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::Open(dbo, opts.dir, cf_descs, &handles, &db);
  if (!s.ok()) {
    db = nullptr;
    return s;
  }
  cf_default = handles[0];
  cf_meta = handles[1];
  cf_members = handles[2];
  filter_factory->Set(db, cf_meta);
  return s;
}

void Store::Impl::CloseDb() {
  if (db == nullptr) return;
  filter_factory->Set(nullptr, nullptr);
  for (auto* h : {cf_default, cf_meta, cf_members}) {
    if (h != nullptr) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  cf_default = cf_meta = cf_members = nullptr;
  db->Close().PermitUncheckedError();
  delete db;
  db = nullptr;
}

void Store::Impl::Shutdown(bool abandon_now) {
  if (closed) return;
  {
    std::lock_guard lock(q_mu);
    stop = true;
    if (abandon_now) abandon = true;
    q_cv.notify_all();
  }
  if (commit_thread.joinable()) commit_thread.join();
  {
    std::lock_guard lock(q_mu);
    drain_cv.notify_all();  // checkpoints waiting for a drain that will not come
  }
  {
    std::lock_guard lock(cp_mu);
    for (auto& t : cp_threads) t.thread.join();
    cp_threads.clear();
  }
  StopReaders();
  if (db != nullptr) {
    if (abandon_now) {
      // No memtable flush on close: what was not in a synced WAL is lost, as
      // in a crash.
      db->SetDBOptions({{"avoid_flush_during_shutdown", "true"}}).PermitUncheckedError();
    } else if (static_cast<Persistence>(requested_mode.load()) != Persistence::kNo &&
               !has_error.load()) {
      // (With a failed write pending, RocksDB's WAL writer is poisoned.)
      db->FlushWAL(true).PermitUncheckedError();
      // Flush the memtables so the next start has no WAL to replay: restart
      // time must not grow with what was written since the last flush.
      rocksdb::FlushOptions fo;
      db->Flush(fo, std::vector<rocksdb::ColumnFamilyHandle*>{cf_default, cf_meta, cf_members}).PermitUncheckedError();
    }
  }
  CloseDb();
  closed = true;
}

Store::~Store() { impl_->Shutdown(false); }

void Store::AbandonForTest() { impl_->Shutdown(true); }

void Store::SetPersistence(Persistence p) {
  std::lock_guard lock(impl_->q_mu);
  impl_->requested_mode.store(static_cast<int>(p));
  impl_->q_cv.notify_all();
}

Persistence Store::persistence() const {
  return static_cast<Persistence>(impl_->requested_mode.load());
}

void Store::Submit(Batch batch) {
  std::lock_guard lock(impl_->q_mu);
  impl_->queue.push_back(std::move(batch));
  ++impl_->submitted;
  impl_->q_cv.notify_all();
}

uint64_t Store::written_seq(int shard) const { return impl_->written[shard].load(); }
uint64_t Store::durable_seq(int shard) const { return impl_->durable[shard].load(); }

std::string Store::error() const {
  std::lock_guard lock(impl_->err_mu);
  return impl_->error;
}

bool Store::has_error() const { return impl_->has_error.load(); }

int64_t Store::key_count(int db) const { return impl_->logical_counts[db].load(); }

void Store::Impl::PublishCounts(const std::array<uint8_t, kMaxDbs>& m,
                                const std::array<int64_t, kMaxDbs>& c) {
  for (int p = 0; p < kMaxDbs; ++p) counts[p].store(c[p]);
  for (int l = 0; l < kMaxDbs; ++l) logical_counts[l].store(c[m[l]]);
}

}  // namespace yotta::storage
