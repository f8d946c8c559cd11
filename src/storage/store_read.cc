// YottaStore. Licensed under the Apache License 2.0.
// Store's read side: the reader threads and what runs on them (Load, Scan,
// Keys, RandomKey), plus Checkpoint and Stats.
#include <rocksdb/utilities/checkpoint.h>

#include <random>

#include "base/str_util.h"
#include "storage/store.h"
#include "storage/store_impl.h"

namespace yotta::storage {
namespace {

// The smallest string greater than every string with prefix `p` ("" if none).
std::string Successor(std::string p) {
  while (!p.empty() && static_cast<unsigned char>(p.back()) == 0xff) p.pop_back();
  if (!p.empty()) p.back() = static_cast<char>(static_cast<unsigned char>(p.back()) + 1);
  return p;
}

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace

void Store::Impl::StartReaders() {
  for (int i = 0; i < opts.readers; ++i) {
    readers.emplace_back([this] {
      for (;;) {
        std::function<void()> task;
        {
          std::unique_lock lock(r_mu);
          r_cv.wait(lock, [this] { return r_stop || !r_queue.empty(); });
          if (r_queue.empty()) return;  // stopping and drained
          task = std::move(r_queue.front());
          r_queue.pop_front();
        }
        task();
      }
    });
  }
}

void Store::Impl::StopReaders() {
  {
    std::lock_guard lock(r_mu);
    r_stop = true;
    r_cv.notify_all();
  }
  for (auto& t : readers) t.join();
  readers.clear();
}

void Store::Impl::PostRead(std::function<void()> task) {
  std::lock_guard lock(r_mu);
  r_queue.push_back(std::move(task));
  r_cv.notify_one();
}

std::vector<LoadResult> Store::Impl::DoLoad(const std::vector<LoadRequest>& reqs) {
  std::vector<LoadResult> out(reqs.size());
  if (reqs.empty()) return out;
  std::shared_lock lock(map_mu);
  if (db == nullptr) return out;  // closed after a failed reopen: nothing readable
  std::vector<uint8_t> phys(reqs.size());
  std::vector<std::string> keys(reqs.size());
  std::vector<rocksdb::Slice> slices(reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    phys[i] = map[reqs[i].db];
    keys[i] = detail::MetaKey(phys[i], reqs[i].key);
    slices[i] = keys[i];
  }
  std::vector<rocksdb::PinnableSlice> values(reqs.size());
  std::vector<rocksdb::Status> statuses(reqs.size());
  db->MultiGet(rocksdb::ReadOptions(), cf_meta, reqs.size(), slices.data(), values.data(),
               statuses.data());
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (!statuses[i].ok()) continue;  // NotFound, or a read error: reported as missing
    LoadResult& r = out[i];
    if (!detail::DecodeRecord(View(values[i]), &r.record)) continue;
    r.found = true;
    if (r.record.kind != Record::kMembers) continue;
    std::string prefix = detail::MembersPrefix(phys[i], reqs[i].key, r.record.version);
    std::string end = Successor(prefix);
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions ro;
    if (!end.empty()) ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf_members));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view k = View(it->key());
      r.members.emplace_back(std::string(k.substr(prefix.size())), it->value().ToString());
    }
  }
  return out;
}

namespace {
// An iterator over physical db p's meta records, bounded to that db (the
// bound must outlive the iterator, so both live here). Callers hold map_mu.
class MetaIterator {
 public:
  MetaIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, uint8_t p)
      : end_(detail::DbEnd(p)), upper_(end_) {
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_;
    it_.reset(db->NewIterator(ro, cf));
  }
  MetaIterator(const MetaIterator&) = delete;
  MetaIterator& operator=(const MetaIterator&) = delete;
  rocksdb::Iterator* operator->() { return it_.get(); }

 private:
  std::string end_;
  rocksdb::Slice upper_;
  std::unique_ptr<rocksdb::Iterator> it_;
};
}  // namespace

// Cursor format: 0 starts; otherwise cursor - 1 == (h >> 1) of the first key
// not yet returned, and the scan resumes at hash (cursor - 1) << 1. Keys whose
// hashes share h >> 1 are never split across calls, so every key at a hash
// position >= that of the resume point was not returned before, and every
// key below it was (if it existed then): a key present throughout is
// returned at least once, and exactly once when nothing changes. The
// largest cursor is 1 + (2^64 - 1) >> 1 = 2^63, so 0 stays free for "done".
std::pair<std::vector<std::string>, uint64_t> Store::Impl::DoScan(int db_index, uint64_t cursor,
                                                                  size_t count) {
  std::vector<std::string> keys;
  std::shared_lock lock(map_mu);
  if (db == nullptr) return {std::move(keys), 0};
  uint8_t p = map[db_index];
  MetaIterator it(db, cf_meta, p);
  uint64_t start_h = cursor == 0 ? 0 : (cursor - 1) << 1;
  uint64_t last_half = 0;
  for (it->Seek(detail::MetaPrefix(p, start_h)); it->Valid(); it->Next()) {
    auto mk = detail::ParseMetaKey(View(it->key()));
    if (!mk) continue;
    uint64_t half = mk->h >> 1;
    if (!keys.empty() && keys.size() >= count && half != last_half) {
      return {std::move(keys), half + 1};
    }
    keys.emplace_back(mk->key);
    last_half = half;
  }
  return {std::move(keys), 0};
}

std::vector<std::string> Store::Impl::DoKeys(int db_index, const std::string& pattern) {
  std::vector<std::string> keys;
  bool all = pattern == "*";
  std::shared_lock lock(map_mu);
  if (db == nullptr) return keys;
  uint8_t p = map[db_index];
  MetaIterator it(db, cf_meta, p);
  for (it->Seek(std::string(1, static_cast<char>(p))); it->Valid(); it->Next()) {
    auto mk = detail::ParseMetaKey(View(it->key()));
    if (mk && (all || GlobMatch(pattern, mk->key))) keys.emplace_back(mk->key);
  }
  return keys;
}

std::optional<std::string> Store::Impl::DoRandomKey(int db_index) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::shared_lock lock(map_mu);
  if (db == nullptr) return std::nullopt;
  uint8_t p = map[db_index];
  MetaIterator it(db, cf_meta, p);
  it->Seek(detail::MetaPrefix(p, rng()));
  if (!it->Valid()) it->Seek(std::string(1, static_cast<char>(p)));  // wrap around
  if (!it->Valid()) return std::nullopt;
  auto mk = detail::ParseMetaKey(View(it->key()));
  if (!mk) return std::nullopt;
  return std::string(mk->key);
}

void Store::Load(std::vector<LoadRequest> reqs, std::function<void(std::vector<LoadResult>)> done) {
  Impl* m = impl_.get();
  m->PostRead([m, reqs = std::move(reqs), done = std::move(done)] { done(m->DoLoad(reqs)); });
}

void Store::Scan(int db, uint64_t cursor, size_t count,
                 std::function<void(std::vector<std::string> keys, uint64_t next)> done) {
  Impl* m = impl_.get();
  m->PostRead([m, db, cursor, count, done = std::move(done)] {
    auto [keys, next] = m->DoScan(db, cursor, count);
    done(std::move(keys), next);
  });
}

void Store::Keys(int db, std::string pattern, std::function<void(std::vector<std::string>)> done) {
  Impl* m = impl_.get();
  m->PostRead([m, db, pattern = std::move(pattern), done = std::move(done)] {
    done(m->DoKeys(db, pattern));
  });
}

void Store::RandomKey(int db, std::function<void(std::optional<std::string>)> done) {
  Impl* m = impl_.get();
  m->PostRead([m, db, done = std::move(done)] { done(m->DoRandomKey(db)); });
}

std::string Store::Impl::DoCheckpoint(uint64_t target, const std::string& path) {
  {
    // Everything submitted before the call must be in the checkpoint.
    std::unique_lock lock(q_mu);
    drain_cv.wait(lock, [&] { return committed >= target || has_error || stop; });
    if (committed < target) {
      if (stop) return "checkpoint not taken: the store is shutting down";
      std::lock_guard el(err_mu);
      return "checkpoint not taken: writes are failing: " + error;
    }
  }
  std::shared_lock map_lock(map_mu);
  if (db == nullptr) return "checkpoint not taken: RocksDB is closed after a failed reopen";
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  if (s.ok()) s = cp->CreateCheckpoint(path);
  return s.ok() ? std::string() : "checkpoint to '" + path + "' failed: " + s.ToString();
}

void Store::Checkpoint(std::string path, std::function<void(std::string err)> done) {
  Impl* m = impl_.get();
  uint64_t target;
  {
    std::lock_guard lock(m->q_mu);
    target = m->submitted;
  }
  std::lock_guard lock(m->cp_mu);
  // Reap finished checkpoints so the list stays short.
  std::erase_if(m->cp_threads, [](Impl::CheckpointThread& t) {
    if (!t.finished->load()) return false;
    t.thread.join();
    return true;
  });
  auto finished = std::make_shared<std::atomic<bool>>(false);
  auto run = [m, target, path = std::move(path), done = std::move(done)] {
    done(m->DoCheckpoint(target, path));
  };
  m->cp_threads.push_back({std::thread([run = std::move(run), finished]() mutable {
                             run();
                             finished->store(true);
                           }),
                           finished});
}

std::string Store::Stats() const {
  std::shared_lock lock(impl_->map_mu);
  rocksdb::DB* db = impl_->db;
  if (db == nullptr) return "rocksdb_closed:1\r\n";
  auto prop = [db](const char* name) {
    uint64_t v = 0;
    if (!db->GetAggregatedIntProperty(name, &v)) v = 0;
    return std::to_string(v);
  };
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::string out;
  out += "rocksdb_estimate_live_data_size:" + prop("rocksdb.estimate-live-data-size") + "\r\n";
  out += "rocksdb_sst_files_size:" + prop("rocksdb.total-sst-files-size") + "\r\n";
  out += "rocksdb_sst_files:" + std::to_string(files.size()) + "\r\n";
  out += "rocksdb_memtable_bytes:" + prop("rocksdb.cur-size-all-mem-tables") + "\r\n";
  out += "rocksdb_table_readers_bytes:" + prop("rocksdb.estimate-table-readers-mem") + "\r\n";
  out += "rocksdb_block_cache_bytes:" + std::to_string(impl_->cache->GetUsage()) + "\r\n";
  out += "rocksdb_estimate_num_keys:" + prop("rocksdb.estimate-num-keys") + "\r\n";
  out += "rocksdb_pending_compaction_bytes:" + prop("rocksdb.estimate-pending-compaction-bytes") +
         "\r\n";
  out += "rocksdb_running_compactions:" + prop("rocksdb.num-running-compactions") + "\r\n";
  return out;
}

}  // namespace yotta::storage
