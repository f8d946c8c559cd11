// YottaStore. Licensed under the Apache License 2.0.
#include "server/db_slice.h"

#include <atomic>

#include "base/clock.h"
#include "base/hash.h"
#include "base/logging.h"

namespace yotta {
namespace {
std::atomic<uint32_t> g_lru_clock{0};
constexpr uint32_t kLruMask = (1u << 24) - 1;
}  // namespace

uint32_t LruClock() { return g_lru_clock.load(std::memory_order_relaxed); }
void UpdateLruClock() { g_lru_clock.store(static_cast<uint32_t>(NowMs() / 1000) & kLruMask); }

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
  if (e) e->set_lru(LruClock());
  return e;
}

Entry* Db::FindRead(std::string_view key) {
  Entry* e = Find(key);
  if (e) {
    slice_->stats().keyspace_hits.Add();
  } else {
    slice_->stats().keyspace_misses.Add();
  }
  return e;
}

void Db::Expire(Entry** link) {
  slice_->stats().expired_keys.Add();
  DeleteLink(link);
}

void Db::Insert(Entry* e) {
  e->set_lru(LruClock());
  CountVolatile(e, 1);
  table_.Insert(e, Hash64(e->key()));
}

void Db::Replace(Entry** link, Entry* e, bool free_old) {
  Entry* old = *link;
  if (old == e) return;
  CountVolatile(old, -1);
  CountVolatile(e, 1);
  e->set_lru(LruClock());
  KeyTable::Replace(link, e);
  if (free_old) EntryAlloc::Free(old, slice_->bytes_counter());
}

void Db::SetString(std::string_view key, std::string_view val, int64_t expire_ms, bool keep_ttl) {
  Entry** link = FindLink(key);
  if (link && keep_ttl) expire_ms = (*link)->expire_ms();
  Entry* e = EntryAlloc::NewString(key, val, expire_ms, slice_->bytes_counter());
  if (link) {
    Replace(link, e);
  } else {
    Insert(e);
  }
}

bool Db::Delete(std::string_view key) {
  Entry** link = FindLink(key);
  if (!link) return false;
  DeleteLink(link);
  return true;
}

Entry* Db::Detach(Entry** link) {
  Entry* e = table_.Unlink(link);
  CountVolatile(e, -1);
  table_.MaybeShrink();
  return e;
}

void Db::DeleteLink(Entry** link) {
  Entry* e = table_.Unlink(link);
  CountVolatile(e, -1);
  EntryAlloc::Free(e, slice_->bytes_counter());
  table_.MaybeShrink();
}

Entry* Db::SetExpire(Entry** link, int64_t ms) {
  Entry* old = *link;
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

DbSlice::DbSlice(int num_dbs, ShardStats* stats) : stats_(stats) {
  for (int i = 0; i < num_dbs; ++i) dbs_.push_back(std::make_unique<Db>(this));
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
  for (auto& db : dbs_) {
    if (db->volatile_count() == 0) continue;
    // Sweep in slices of 64 buckets until a full pass or the budget is spent.
    size_t buckets = db->table().BucketBytes() / sizeof(Entry*);
    for (size_t done = 0; done < buckets; done += 64) {
      expired += db->ExpireSweep(64, now);
      if (db->volatile_count() == 0 || MonotonicUs() - start > budget_us) break;
    }
    if (MonotonicUs() - start > budget_us) break;
  }
  return expired;
}

void DbSlice::FlushAll() {
  for (auto& db : dbs_) db->Clear();
}

}  // namespace yotta
