// YottaStore. Licensed under the Apache License 2.0.
#include "server/storage.h"

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <mutex>

#include "base/clock.h"
#include "base/logging.h"
#include "server/config.h"
#include "server/shard.h"
#include "server/shard_set.h"

namespace yotta {
namespace {

std::string DataDir(const std::string& dir) { return dir + "/yottastore"; }

std::unique_ptr<storage::Store> g_store;
// Read by the Store's threads (progress hooks) until the Store is gone.
std::atomic<ShardSet*> g_set{nullptr};

struct Barrier {
  std::vector<uint64_t> targets;
  Shard* home;
  std::function<void()> fn;
};
std::mutex g_barrier_mu;
std::vector<Barrier> g_barriers;  // guarded by g_barrier_mu

std::mutex g_save_mu;
SaveState g_save;  // guarded by g_save_mu
std::atomic<int64_t> g_changes{0};

bool Reached(const std::vector<uint64_t>& targets) {
  for (size_t s = 0; s < targets.size(); ++s) {
    if (g_store->written_seq(static_cast<int>(s)) < targets[s]) return false;
  }
  return true;
}

// Store thread: wake the shards and the barriers whose seqs were reached.
void OnProgress() {
  ShardSet* set = g_set.load();
  if (!set) return;
  for (int i = 0; i < set->size(); ++i) set->shard(i)->NotifyStorageProgress();
  std::vector<Barrier> ready;
  {
    std::lock_guard l(g_barrier_mu);
    for (size_t i = 0; i < g_barriers.size();) {
      if (Reached(g_barriers[i].targets)) {
        ready.push_back(std::move(g_barriers[i]));
        g_barriers[i] = std::move(g_barriers.back());
        g_barriers.pop_back();
      } else {
        ++i;
      }
    }
  }
  for (Barrier& b : ready) b.home->PostControl(std::move(b.fn));
}

storage::Persistence ConfiguredPersistence() {
  return static_cast<storage::Persistence>(Config::Get().persistence.load(std::memory_order_relaxed));
}

}  // namespace

bool OpenStorage(ShardSet* set, std::string* err) {
  Config& cfg = Config::Get();
  storage::Options o;
  std::string dir = cfg.GetString("dir");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *err = "can't create dir '" + dir + "': " + ec.message();
    return false;
  }
  // `dir` is a working directory as Redis's is (logs, other files may live
  // there); the data is in its "yottastore" subdirectory. A bare RocksDB in
  // `dir` itself is someone else's: refuse rather than guess.
  if (std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    *err = "dir '" + dir + "' holds a RocksDB database that is not YottaStore's; refusing to touch it";
    return false;
  }
  o.dir = DataDir(dir);
  o.num_shards = set->size();
  o.num_dbs = static_cast<int>(cfg.databases.load());
  o.persistence = ConfiguredPersistence();
  o.on_progress = OnProgress;
  if (cfg.storage_fault_injection.load()) o.file_system = storage::MakeFaultFs();
  int64_t start = MonotonicUs();
  g_store = storage::Store::Open(o, err);
  if (!g_store) return false;
  g_set = set;
  for (int i = 0; i < set->size(); ++i) {
    set->shard(i)->store().set_tracking(o.persistence != storage::Persistence::kNo);
  }
  int64_t cold = 0;
  for (int d = 0; d < o.num_dbs; ++d) {
    int64_t n = g_store->key_count(d);
    if (n <= 0) continue;
    cold += n;
    for (int i = 0; i < set->size(); ++i) set->shard(i)->store().set_cold_possible(d, true);
  }
  YLOG(kNotice, "Storage opened at %s in %.3f ms: %lld keys on disk, persistence %s", o.dir.c_str(),
       static_cast<double>(MonotonicUs() - start) / 1000.0, static_cast<long long>(cold),
       cfg.GetString("persistence").c_str());
  return true;
}

void CloseStorage(ShardSet* set) {
  // Deleted in place, not reset: the destructor writes what is queued and
  // syncs, and its last progress hooks still reach TheStore() and g_set.
  delete g_store.get();
  g_store.release();
  g_set.store(nullptr);
}

storage::Store* TheStore() { return g_store.get(); }

storage::Persistence CurrentPersistence() { return ConfiguredPersistence(); }

bool TieringOn() { return Config::Get().tiering.load(std::memory_order_relaxed) != 0; }

void ApplyStorageConfig() {
  ShardSet* set = g_set.load();
  if (!g_store || !set) return;
  storage::Persistence p = ConfiguredPersistence();
  if (p == g_store->persistence()) return;
  g_store->SetPersistence(p);
  if (p == storage::Persistence::kNo) return;  // tracking stays on: disk copies must follow memory
  // Changes from now on are tracked at once (a write right after CONFIG SET
  // may run on its shard before any message below); the keys already in
  // memory are marked on each shard's thread.
  for (int i = 0; i < set->size(); ++i) {
    Shard* s = set->shard(i);
    if (s->store().tracking()) continue;
    s->store().set_tracking(true);
    s->PostData([s] { s->store().MarkAllResident(); });
  }
}

std::string MisconfError() {
  if (!g_store || !g_store->has_error()) return {};
  return "MISCONF Errors writing to the AOF file: " + g_store->error();
}

void WhenWritten(std::vector<uint64_t> targets, Shard* home, std::function<void()> fn) {
  {
    std::lock_guard l(g_barrier_mu);
    if (!Reached(targets)) {
      g_barriers.push_back(Barrier{std::move(targets), home, std::move(fn)});
      return;
    }
  }
  home->PostControl(std::move(fn));
}

bool InjectStorageError(const std::string& what) {
  if (!Config::Get().storage_fault_injection.load()) return false;
  int e = what == "ENOSPC" ? ENOSPC : what == "EIO" ? EIO : 0;
  storage::SetFaultFsError(e);
  return true;
}

SaveState GetSaveState() {
  std::lock_guard l(g_save_mu);
  SaveState s = g_save;
  s.changes_since_save = g_changes.load(std::memory_order_relaxed);
  return s;
}

bool StartSave(Shard* home, std::function<void(std::string err)> done) {
  std::string path;
  {
    std::lock_guard l(g_save_mu);
    if (g_save.in_progress) return false;
    g_save.in_progress = true;
    path = Config::Get().GetString("dir") + "/checkpoints/" + std::to_string(NowMs());
  }
  // A checkpoint is laid out as a `dir`: restore by starting with --dir <path>.
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  int64_t changes = g_changes.load();
  g_store->Checkpoint(DataDir(path), [home, path, changes, done = std::move(done)](std::string err) mutable {
    {
      std::lock_guard l(g_save_mu);
      g_save.in_progress = false;
      g_save.last_ok = err.empty();
      if (err.empty()) {
        g_save.last_save_s = NowMs() / 1000;
        g_save.last_dir = path;
        g_changes.fetch_sub(changes);
      }
    }
    if (err.empty()) {
      YLOG(kNotice, "DB saved on disk (checkpoint %s)", path.c_str());
    } else {
      YLOG(kWarning, "Checkpoint %s failed: %s", path.c_str(), err.c_str());
    }
    home->PostControl([done = std::move(done), err = std::move(err)] { done(err); });
  });
  return true;
}

void CountChange() { g_changes.fetch_add(1, std::memory_order_relaxed); }

}  // namespace yotta
