// YottaStore. Licensed under the Apache License 2.0.
#include "server/db_slice.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <unordered_set>

#include "base/clock.h"
#include "base/hash.h"
#include "base/logging.h"
#include "base/str_util.h"
#include "server/config.h"
#include "server/lazy_free.h"
#include "server/shard_store.h"

namespace yotta {
namespace {
std::atomic<uint32_t> g_lru_clock{0};
constexpr uint32_t kLruMask = (1u << 24) - 1;

constexpr uint8_t kLfuInitVal = 5;  // new keys start here, so they are not evicted at once

// Active expiry sweeps in slices of this many buckets, at least
// kMinSweepBuckets per db and tick.
constexpr int kSweepSlice = 64;
constexpr size_t kMinSweepBuckets = 1024;
// Buckets walked per sample when keys with an expiry are sparse.
constexpr int kEvictWalkBuckets = 256;

uint64_t NextRand(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

uint32_t LfuMinutes() { return static_cast<uint32_t>(NowMs() / 60000) & 0xffff; }

// The counter after subtracting one per elapsed decay period.
uint8_t LfuDecay(uint32_t field) {
  uint32_t last = field >> 8, counter = field & 0xff, now = LfuMinutes();
  uint32_t elapsed = now >= last ? now - last : 0xffff - last + now;
  int64_t decay = Config::Get().lfu_decay_time.load(std::memory_order_relaxed);
  uint64_t periods = decay > 0 ? elapsed / static_cast<uint64_t>(decay) : 0;
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

// Redis's logarithmic increment: the higher the counter, the less likely a
// hit bumps it, so 255 stands for about a million hits at factor 10.
uint8_t LfuIncr(uint8_t counter) {
  if (counter == 255) return counter;
  thread_local uint64_t rng = 0x9E3779B97F4A7C15ull ^ reinterpret_cast<uintptr_t>(&rng);
  double r = static_cast<double>(NextRand(&rng) >> 11) / static_cast<double>(1ull << 53);
  double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p =
      1.0 / (base * static_cast<double>(Config::Get().lfu_log_factor.load(std::memory_order_relaxed)) + 1);
  return r < p ? counter + 1 : counter;
}

EvictionPolicy Policy() {
  return static_cast<EvictionPolicy>(
      Config::Get().maxmemory_policy.load(std::memory_order_relaxed));
}

uint32_t NewAccessField() { return LfuPolicyActive() ? LfuField(kLfuInitVal) : LruClock(); }

// Higher = evict first.
int64_t EvictScore(EvictionPolicy p, const Entry* e) {
  switch (p) {
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kVolatileLru: return IdleSeconds(e);
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu: return 255 - LfuCounter(e);
    case EvictionPolicy::kVolatileTtl: return -e->expire_ms();
    default: return 0;  // random: the sample is already random
  }
}
}  // namespace

uint32_t LruClock() { return g_lru_clock.load(std::memory_order_relaxed); }
void UpdateLruClock() { g_lru_clock.store(static_cast<uint32_t>(NowMs() / 1000) & kLruMask); }

bool LfuPolicyActive() {
  EvictionPolicy p = Policy();
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}

uint8_t LfuCounter(const Entry* e) { return LfuDecay(e->lru()); }

uint32_t IdleSeconds(const Entry* e) {
  uint32_t now = LruClock(), then = e->lru();
  return now >= then ? now - then : now + (kLruMask - then);
}

uint32_t LfuField(uint8_t counter) { return (LfuMinutes() << 8) | counter; }

uint32_t LruFieldForIdle(int64_t idle_seconds) {
  int64_t clock = LruClock();
  int64_t abs = clock - idle_seconds;
  // Idler than the clock can express: as idle as possible.
  if (abs < 0) abs = (clock + kLruMask / 2) & kLruMask;
  return static_cast<uint32_t>(abs);
}

void Db::Touch(Entry* e) {
  if (LfuPolicyActive()) {
    e->set_lru(LfuField(LfuIncr(LfuDecay(e->lru()))));
  } else {
    e->set_lru(LruClock());
  }
}

Entry** Db::FindLink(std::string_view key) {
  Entry** link = table_.FindLink(key, Hash64(key));
  if (!link) return nullptr;
  Entry* e = *link;
  if (e->has_expire() && e->expire_ms() <= NowMs()) {
    Expire(link);
    return nullptr;
  }
  return link;
}

Entry* Db::Peek(std::string_view key) {
  Entry** link = FindLink(key);
  return link ? *link : nullptr;
}

Entry* Db::Find(std::string_view key) {
  Entry* e = Peek(key);
  if (e) Touch(e);
  return e;
}

Entry* Db::PeekRead(std::string_view key) {
  Entry* e = Peek(key);
  if (e) {
    slice_->stats().keyspace_hits.Add();
  } else {
    slice_->stats().keyspace_misses.Add();
  }
  return e;
}

Entry* Db::FindRead(std::string_view key) {
  Entry* e = PeekRead(key);
  if (e) Touch(e);
  return e;
}

void Db::Expire(Entry** link) {
  slice_->stats().expired_keys.Add();
  DeleteLink(link);
}

void Db::Changed(std::string_view key) {
  if (ShardStore* s = slice_->store()) s->Mark(index_, key);
}

void Db::Insert(Entry* e) {
  e->set_lru(NewAccessField());
  Attach(e);
}

Db::~Db() {
  FreeKeyWaiters(waiters_);
  FreeKeyWatchers(watchers_);
}

void Db::Attach(Entry* e) {
  Changed(e->key());
  CountVolatile(e, 1);
  table_.Insert(e, Hash64(e->key()));
  if (waiters_) SignalKeyReady(*this, e);
}

void Db::Replace(Entry** link, Entry* e, bool free_old) {
  Entry* old = *link;
  Changed(e->key());
  if (old == e) return;
  CountVolatile(old, -1);
  CountVolatile(e, 1);
  e->set_lru(LfuPolicyActive() ? old->lru() : LruClock());
  KeyTable::Replace(link, e);
  if (free_old) EntryAlloc::Free(old, slice_->bytes_counter());
  if (waiters_) SignalKeyReady(*this, e);
}

Entry* Db::GrowString(Entry** link, size_t len) {
  // realloc keeps the header (chain link, flags, TTL), so only the slot
  // changes; Replace would touch the released original.
  Entry* e = EntryAlloc::ReserveString(*link, len, slice_->bytes_counter());
  *link = e;
  Changed(e->key());
  return e;
}

// Overwrites a string entry's value in its own allocation when the new value
// fits snugly and the expiry field's presence does not change, so a SET of a
// same-sized value costs no malloc/free. "Snugly" keeps a large buffer from
// hosting a tiny value. Returns false when a new entry is needed.
bool Db::OverwriteInPlace(Entry* e, std::string_view val, int64_t expire_ms) {
  if (e->type() != ObjType::kString || e->is_object() || e->has_expire() != (expire_ms != 0)) return false;
  size_t cap = e->str_capacity();
  if (cap < val.size() || cap - val.size() > cap / 4 + 16) return false;
  if (!val.empty()) std::memmove(e->mutable_str(), val.data(), val.size());
  e->set_val_len(static_cast<uint32_t>(val.size()));
  if (expire_ms) e->set_expire_ms(expire_ms);
  if (!LfuPolicyActive()) e->set_lru(LruClock());
  return true;
}

void Db::SetString(std::string_view key, std::string_view val, int64_t expire_ms, bool keep_ttl) {
  Entry** link = FindLink(key);
  if (link && keep_ttl) expire_ms = (*link)->expire_ms();
  if (link && OverwriteInPlace(*link, val, expire_ms)) {
    Changed(key);
    return;
  }
  Entry* e = EntryAlloc::NewString(key, val, expire_ms, slice_->bytes_counter());
  if (link) {
    Replace(link, e);
  } else {
    Insert(e);
  }
}

bool Db::Delete(std::string_view key, bool lazy) {
  Entry** link = FindLink(key);
  if (!link) return false;
  DeleteLink(link, lazy);
  return true;
}

Entry* Db::Detach(Entry** link) {
  Changed((*link)->key());
  Entry* e = table_.Unlink(link);
  CountVolatile(e, -1);
  table_.MaybeShrink();
  return e;
}

void Db::DeleteLink(Entry** link, bool lazy) {
  Changed((*link)->key());
  Entry* e = table_.Unlink(link);
  CountVolatile(e, -1);
  const ObjectOps* ops = e->is_object() ? &GetObjectOps(e->type()) : nullptr;
  if (lazy && ops && ops->length && ops->length(e->obj()) > kLazyFreeThreshold) {
    void* obj = e->obj();
    if (ops->bytes) slice_->AdjustBytes(-static_cast<int64_t>(ops->bytes(obj)));
    EntryAlloc::FreeShell(e, slice_->bytes_counter());
    LazyFree([free = ops->free, obj] { free(obj); });
  } else {
    EntryAlloc::Free(e, slice_->bytes_counter());
  }
  table_.MaybeShrink();
}

void Db::ClearAsync(std::function<void(int64_t delta)> freed) {
  auto* old = new KeyTable;
  old->Swap(table_);
  volatile_ = 0;
  sweep_cursor_ = evict_cursor_ = 0;
  LazyFree([old, freed = std::move(freed)] {
    int64_t delta = 0;
    old->Clear([&](Entry* e) { EntryAlloc::Free(e, &delta); });
    delete old;
    freed(delta);
  });
}

Entry* Db::SetExpire(Entry** link, int64_t ms) {
  Entry* old = *link;
  if (ShardStore* s = slice_->store()) s->MarkMeta(index_, old->key());
  CountVolatile(old, -1);
  Entry* next = old->next();
  Entry* e = EntryAlloc::WithExpire(old, ms, slice_->bytes_counter());
  e->set_next(next);
  *link = e;
  CountVolatile(e, 1);
  return e;
}

void Db::Clear() {
  table_.Clear([&](Entry* e) { EntryAlloc::Free(e, slice_->bytes_counter()); });
  volatile_ = 0;
}

int Db::ExpireSweep(int max_buckets, int64_t now_ms) {
  int expired = 0;
  table_.Sweep(&sweep_cursor_, max_buckets, [&](Entry** link) {
    Entry* e = *link;
    if (e->has_expire() && e->expire_ms() <= now_ms) {
      Changed(e->key());
      Entry* gone = table_.Unlink(link);
      CountVolatile(gone, -1);
      EntryAlloc::Free(gone, slice_->bytes_counter());
      ++expired;
    }
  });
  if (expired) {
    slice_->stats().expired_keys.Add(expired);
    table_.MaybeShrink();
  }
  return expired;
}

void Db::SampleForEviction(bool volatile_only, int n, uint64_t* rng, std::vector<Entry*>* out) {
  int got = 0;
  if (!volatile_only || volatile_ * 4 >= table_.size()) {
    // Dense enough for random probes to hit qualifying keys.
    int tries = volatile_only ? n * 4 : n;
    for (int i = 0; i < tries && got < n; ++i) {
      Entry* e = table_.Random(NextRand(rng));
      if (!e) return;
      if (volatile_only && !e->has_expire()) continue;
      out->push_back(e);
      ++got;
    }
    return;
  }
  // Few keys have an expiry: walk buckets from a cursor that persists across
  // calls, so repeated calls cover the whole table.
  table_.Sweep(&evict_cursor_, kEvictWalkBuckets, [&](Entry** link) {
    if (got < n && (*link)->has_expire()) {
      out->push_back(*link);
      ++got;
    }
  });
}

bool Db::Evict(Entry* e) {
  ShardStore* store = slice_->store();
  if (store && store->handles_eviction()) return store->Evict(*this, e);
  Entry** link = table_.FindLink(e->key(), Hash64(e->key()));
  YCHECK(link && *link == e);
  slice_->stats().evicted_keys.Add();
  DeleteLink(link);
  return true;
}

void Db::InsertLoaded(Entry* e) {
  e->set_lru(NewAccessField());
  CountVolatile(e, 1);
  table_.Insert(e, Hash64(e->key()));
  if (waiters_) SignalKeyReady(*this, e);
}

void Db::Drop(Entry* e) {
  Entry** link = table_.FindLink(e->key(), Hash64(e->key()));
  YCHECK(link && *link == e);
  table_.Unlink(link);
  CountVolatile(e, -1);
  slice_->stats().evicted_keys.Add();
  EntryAlloc::Free(e, slice_->bytes_counter());
  table_.MaybeShrink();
}

DbSlice::DbSlice(int num_dbs, ShardStats* stats) : stats_(stats) {
  for (int i = 0; i < num_dbs; ++i) dbs_.push_back(std::make_unique<Db>(this, i));
}

void DbSlice::SwapDb(int a, int b) {
  dbs_[a].swap(dbs_[b]);
  dbs_[a]->index_ = a;
  dbs_[b]->index_ = b;
}

int64_t DbSlice::used_bytes() const {
  int64_t b = bytes_;
  for (const auto& db : dbs_) b += static_cast<int64_t>(db->table().BucketBytes());
  return b;
}

int DbSlice::ActiveExpire(int64_t budget_us) {
  int64_t start = MonotonicUs();
  int64_t now = NowMs();
  int expired = 0;
  size_t n = dbs_.size();
  for (size_t k = 0; k < n; ++k) {
    size_t idx = (expire_db_ + k) % n;
    Db& db = *dbs_[idx];
    if (db.volatile_count() == 0) continue;
    // A tenth of the table per tick (a full pass a second at the default hz
    // 10), further while slices keep finding expired keys, never more than a
    // full pass: a big table with few volatile keys costs little CPU.
    size_t buckets = db.table().BucketBytes() / sizeof(Entry*);
    size_t quota = std::max(kMinSweepBuckets, buckets / 10);
    for (size_t done = kSweepSlice;; done += kSweepSlice) {
      int got = db.ExpireSweep(kSweepSlice, now);
      expired += got;
      if (db.volatile_count() == 0 || done >= buckets || (done >= quota && got == 0)) break;
      if (MonotonicUs() - start > budget_us) {
        expire_db_ = idx;  // out of time: the next tick starts with this db
        return expired;
      }
    }
  }
  return expired;
}

EvictStatus DbSlice::FreeMemory(int64_t limit_bytes, std::span<const std::string_view> keep, int64_t budget_us) {
  if (used_bytes() <= limit_bytes) return EvictStatus::kOk;
  EvictionPolicy policy = Policy();
  if (policy == EvictionPolicy::kNoEviction) return EvictStatus::kFail;
  bool volatile_only = IsVolatilePolicy(policy);
  int samples = static_cast<int>(Config::Get().maxmemory_samples.load(std::memory_order_relaxed));
  if (samples < 1) samples = 1;
  int64_t start = MonotonicUs();
  thread_local std::vector<Entry*> cand;
  // Keys to spare: a scan for a few, a set for many (EXISTS of 20k keys).
  std::unordered_set<std::string_view> keep_set;
  if (keep.size() > 16) keep_set.insert(keep.begin(), keep.end());
  auto kept = [&](std::string_view k) {
    if (keep.empty()) return false;
    if (!keep_set.empty()) return keep_set.count(k) > 0;
    return std::find(keep.begin(), keep.end(), k) != keep.end();
  };
  while (used_bytes() > limit_bytes) {
    // Redis's approximation: sample a few keys per db, evict the best one.
    Db* best_db = nullptr;
    Entry* best = nullptr;
    int64_t best_score = 0;
    bool any = false;
    for (auto& db : dbs_) {
      if (volatile_only ? db->volatile_count() == 0 : db->size() == 0) continue;
      any = true;
      cand.clear();
      db->SampleForEviction(volatile_only, samples, &rng_, &cand);
      for (Entry* e : cand) {
        if (kept(e->key())) continue;
        int64_t score = EvictScore(policy, e);
        if (!best || score > best_score) {
          best = e;
          best_db = db.get();
          best_score = score;
        }
      }
    }
    if (!any) return EvictStatus::kFail;
    if (best) best_db->Evict(best);  // a pending one stays; the next round samples again
    if (MonotonicUs() - start > budget_us) {
      return used_bytes() <= limit_bytes ? EvictStatus::kOk : EvictStatus::kRunning;
    }
  }
  return EvictStatus::kOk;
}

void DbSlice::FlushAll() {
  for (auto& db : dbs_) db->Clear();
}

}  // namespace yotta
