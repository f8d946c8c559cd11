// YottaStore. Licensed under the Apache License 2.0.
#include "server/shard_store.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "base/clock.h"
#include "base/hash.h"
#include "base/logging.h"
#include "commands/member_codec.h"
#include "core/value_codec.h"
#include "server/db_slice.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/storage.h"

namespace yotta {

std::string DbKey(int db, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(static_cast<char>(db));
  k.append(key);
  return k;
}

namespace {
int DbOf(const std::string& dbkey) { return static_cast<unsigned char>(dbkey[0]); }
std::string_view KeyOf(const std::string& dbkey) { return std::string_view(dbkey).substr(1); }

Entry* Resident(Db& db, std::string_view key) { return db.table().Find(key, Hash64(key)); }

// A meta record's payload: [expire_ms 8 LE][EncodeValue bytes].
bool EncodeRecord(const Entry* e, std::string* out) {
  int64_t exp = e->expire_ms();
  char buf[8];
  std::memcpy(buf, &exp, 8);
  out->append(buf, 8);
  return EncodeValue(e, out);
}
}  // namespace

ShardStore::ShardStore(Shard* shard, int num_dbs)
    : shard_(shard), num_dbs_(num_dbs), cold_(new std::atomic<bool>[num_dbs]) {
  for (int i = 0; i < num_dbs; ++i) cold_[i].store(false);
}

ShardStore::~ShardStore() = default;

void ShardStore::MarkAllResident() {
  for (int d = 0; d < num_dbs_; ++d) {
    shard_->slice().db(d).table().ForEach([&](Entry* e) { MarkSlow(d, e->key(), kFull); });
  }
}

ShardStore::PendingMap::value_type& ShardStore::MarkSlow(int db, std::string_view key, MarkKind kind) {
  auto [it, inserted] = pending_.try_emplace(DbKey(db, key));
  Pending& p = it->second;
  if (inserted || p.seq != open_seq_) {
    p.seq = open_seq_;
    p.kinds = 0;
    dirty_.push_back(&it->first);
    CountChange();
  }
  p.kinds |= kind;
  return *it;
}

void ShardStore::MarkMembers(int db, std::string_view key, std::span<const std::string_view> args,
                             std::span<const int> idx) {
  if (!tracking()) return;
  auto& node = MarkSlow(db, key, kMembers);
  if (node.second.kinds & kFull) return;
  std::vector<std::string>& m = members_[&node.first];
  for (int i : idx) m.emplace_back(args[i]);
}

uint64_t ShardStore::PendingSeq(int db, std::string_view key) const {
  if (pending_.empty()) return 0;
  auto it = pending_.find(DbKey(db, key));
  return it == pending_.end() ? 0 : it->second.seq;
}

bool ShardStore::IsPending(int db, std::string_view key) const {
  return !pending_.empty() && pending_.count(DbKey(db, key));
}

void ShardStore::QueueOp(storage::Op op, const std::string& dbkey) {
  extra_.push_back(std::move(op));
  auto [it, inserted] = pending_.try_emplace(dbkey);
  if (!inserted && it->second.seq == open_seq_) return;
  it->second.seq = open_seq_;
  it->second.kinds = 0;
  // Listed for cleanup only: TakeChanges encodes keys from memory just when
  // tracking, and then no extra ops exist for them.
  extra_keys_.push_back(&it->first);
}

namespace {
uint64_t NewVersion() {
  static std::atomic<uint64_t> last{0};
  uint64_t now = static_cast<uint64_t>(NowUs()), prev = last.load();
  uint64_t v;
  do {
    v = std::max(prev + 1, now);
  } while (!last.compare_exchange_weak(prev, v));
  return v;
}

storage::Op MemberOp(const std::string& dk, uint64_t version, std::string member, std::optional<std::string> value) {
  storage::Op op;
  op.kind = value ? storage::Op::kPutMember : storage::Op::kDeleteMember;
  op.db = static_cast<uint8_t>(DbOf(dk));
  op.key.assign(KeyOf(dk));
  op.version = version;
  op.member = std::move(member);
  if (value) op.value = std::move(*value);
  return op;
}
}  // namespace

void ShardStore::EncodeKey(const std::string& dk, const Pending& p, storage::Batch* batch) {
  storage::Op op;
  op.db = static_cast<uint8_t>(DbOf(dk));
  op.key.assign(KeyOf(dk));
  Entry* e = Resident(shard_->slice().db(op.db), op.key);
  if (!e) {
    op.kind = storage::Op::kDelete;
    batch->ops.push_back(std::move(op));
    versions_.erase(dk);
    if (cold_possible(DbOf(dk))) NoteAbsent(dk);  // memory's delete is authoritative
    return;
  }
  if (!member_codec::IsMemberWise(e)) {
    op.kind = storage::Op::kPut;
    if (!EncodeRecord(e, &op.record.payload)) {
      YLOG(kWarning, "storage: a value of type %d cannot be encoded; not persisted", static_cast<int>(e->type()));
      return;
    }
    batch->ops.push_back(std::move(op));
    versions_.erase(dk);
    return;
  }
  // Member-wise: the meta record is [expire 8][type 1].
  op.kind = storage::Op::kPut;
  op.record.kind = storage::Record::kMembers;
  int64_t exp = e->expire_ms();
  op.record.payload.assign(reinterpret_cast<const char*>(&exp), 8);
  op.record.payload.push_back(static_cast<char>(e->type()));
  auto v = versions_.find(dk);
  if (v != versions_.end() && !(p.kinds & kFull)) {
    // Only the named elements (and perhaps the expiry) changed.
    op.record.version = v->second;
    if (p.kinds & kMeta) batch->ops.push_back(std::move(op));
    auto m = members_.find(&dk);  // dk is the pending node's own key
    if (m != members_.end()) {
      for (std::string& name : m->second) {
        std::optional<std::string> val = member_codec::Value(e, name);
        batch->ops.push_back(MemberOp(dk, v->second, std::move(name), std::move(val)));
      }
    }
    return;
  }
  uint64_t version = NewVersion();
  op.record.version = version;
  batch->ops.push_back(std::move(op));
  member_codec::ForEach(e, [&](std::string_view m, std::string_view val) {
    batch->ops.push_back(MemberOp(dk, version, std::string(m), std::string(val)));
  });
  versions_[dk] = version;
}

void ShardStore::TakeChanges(storage::Batch* batch) {
  if (dirty_.empty() && extra_.empty()) return;
  for (storage::Op& op : extra_) batch->ops.push_back(std::move(op));
  extra_.clear();
  for (const std::string* dk : dirty_) EncodeKey(*dk, pending_.find(*dk)->second, batch);
  members_.clear();
  Submitted s{open_seq_, std::move(dirty_)};
  s.keys.insert(s.keys.end(), extra_keys_.begin(), extra_keys_.end());
  dirty_.clear();
  extra_keys_.clear();
  submitted_.push_back(std::move(s));
  batch->marks.emplace_back(shard_->index(), open_seq_);
  ++open_seq_;
}

void ShardStore::Flush() {
  storage::Batch b;
  TakeChanges(&b);
  if (!b.marks.empty()) TheStore()->Submit(std::move(b));
  SubmitLoads();
}

void ShardStore::FlushTogether(std::span<ShardStore* const> stores) {
  storage::Batch b;
  for (ShardStore* s : stores) s->TakeChanges(&b);
  if (!b.marks.empty()) TheStore()->Submit(std::move(b));
  for (ShardStore* s : stores) s->SubmitLoads();
}

std::vector<ShardStore*> ShardStore::FlushAll(ShardSet& set) {
  std::vector<ShardStore*> stores;
  for (int i = 0; i < set.size(); ++i) stores.push_back(&set.shard(i)->store());
  FlushTogether(stores);
  return stores;
}

void ShardStore::OnSwapDb(int a, int b) {
  bool x = cold_[a].load(), y = cold_[b].load();
  cold_[a].store(y);
  cold_[b].store(x);
  absent_.clear();
  if (versions_.empty()) return;
  std::unordered_map<std::string, uint64_t> swapped;
  for (auto& [dk, v] : versions_) {
    std::string k = dk;
    int d = DbOf(k);
    if (d == a) k[0] = static_cast<char>(b);
    else if (d == b) k[0] = static_cast<char>(a);
    swapped.emplace(std::move(k), v);
  }
  versions_ = std::move(swapped);
}

namespace {
constexpr size_t kMaxAbsent = 1 << 20;
}

void ShardStore::NoteAbsent(const std::string& dk) {
  if (absent_.size() >= kMaxAbsent) absent_.clear();
  absent_.insert(dk);
}

bool ShardStore::NeedsLoad(int db, std::string_view key) {
  if (!cold_possible(db)) return false;
  if (Resident(shard_->slice().db(db), key)) return false;
  return absent_.empty() || !absent_.count(DbKey(db, key));
}

void ShardStore::Load(int db, std::span<const std::string_view> keys, std::function<void()> done) {
  auto w = std::make_shared<Waiter>(Waiter{1, std::move(done)});
  for (std::string_view k : keys) {
    if (!NeedsLoad(db, k)) continue;
    ++w->remaining;
    StartLoad(DbKey(db, k), w);
  }
  if (--w->remaining == 0) w->done();
}

void ShardStore::StartLoad(const std::string& dbkey, std::shared_ptr<Waiter> w) {
  auto [it, inserted] = loading_.try_emplace(dbkey);
  it->second.waiters.push_back(std::move(w));
  if (!inserted) return;
  auto p = pending_.find(dbkey);
  if (p != pending_.end()) {
    wait_written_.emplace_back(p->second.seq, dbkey);  // read it once its write landed
  } else {
    to_load_.push_back(dbkey);
  }
}

void ShardStore::SubmitLoads() {
  if (to_load_.empty()) return;
  reads_.fetch_add(to_load_.size(), std::memory_order_relaxed);
  std::vector<storage::LoadRequest> reqs;
  reqs.reserve(to_load_.size());
  for (const std::string& dk : to_load_) reqs.push_back({static_cast<uint8_t>(DbOf(dk)), std::string(KeyOf(dk))});
  Shard* shard = shard_;
  TheStore()->Load(std::move(reqs), [shard, keys = std::move(to_load_)](std::vector<storage::LoadResult> res) mutable {
    shard->PostData([shard, keys = std::move(keys), res = std::move(res)]() mutable {
      shard->store().ApplyLoaded(std::move(keys), std::move(res));
    });
  });
  to_load_.clear();
}

void ShardStore::ApplyLoaded(std::vector<std::string> dbkeys, std::vector<storage::LoadResult> results) {
  std::vector<std::shared_ptr<Waiter>> ready;
  int64_t now = NowMs();
  for (size_t i = 0; i < dbkeys.size(); ++i) {
    const std::string& dk = dbkeys[i];
    int dbi = DbOf(dk);
    std::string_view key = KeyOf(dk);
    Db& db = shard_->slice().db(dbi);
    storage::LoadResult& r = results[i];
    if (r.found) read_hits_.fetch_add(1, std::memory_order_relaxed);
    // Memory wins if the key changed meanwhile (it is then resident or
    // pending); otherwise the disk copy becomes a clean entry.
    // A FLUSHDB since the read was issued left nothing cold to load.
    if (r.found && cold_possible(dbi) && !Resident(db, key) && !pending_.count(dk)) {
      const std::string& p = r.record.payload;
      Entry* e = nullptr;
      int64_t exp = 0;
      if (p.size() > 8) std::memcpy(&exp, p.data(), 8);
      if (r.record.kind == storage::Record::kInline && p.size() > 8) {
        e = DecodeValue(std::string_view(p).substr(8), key, exp, shard_->slice().bytes_counter());
      } else if (r.record.kind == storage::Record::kMembers && p.size() == 9) {
        auto type = static_cast<ObjType>(static_cast<unsigned char>(p[8]));
        size_t bytes = 0;
        if (void* obj = member_codec::Build(type, r.members, &bytes)) {
          shard_->slice().AdjustBytes(static_cast<int64_t>(bytes));
          e = EntryAlloc::NewObject(key, type, obj, exp, shard_->slice().bytes_counter());
          if (tracking()) versions_[dk] = r.record.version;
        }
      }
      if (!e) {
        YLOG(kWarning, "storage: unreadable record for a key of db %d (%zu bytes); treated as absent", dbi,
             p.size());
      } else if (exp && exp <= now) {
        EntryAlloc::Free(e, shard_->slice().bytes_counter());
        shard_->stats().expired_keys.Add();
        if (tracking()) {
          MarkSlow(dbi, key, kFull);
        } else {
          QueueOp(storage::Op{.kind = storage::Op::kDelete, .db = static_cast<uint8_t>(dbi), .key = std::string(key)}, dk);
        }
      } else {
        db.InsertLoaded(e);
        if (!tracking()) {
          // Tiering: memory holds it now; the disk copy would go stale.
          QueueOp(storage::Op{.kind = storage::Op::kDelete, .db = static_cast<uint8_t>(dbi), .key = std::string(key)}, dk);
        }
      }
    }
    if (!Resident(db, key) && !pending_.count(dk)) NoteAbsent(dk);
    auto it = loading_.find(dk);
    if (it == loading_.end()) continue;
    for (auto& w : it->second.waiters) ready.push_back(std::move(w));
    loading_.erase(it);
  }
  // What was loaded goes out again before each waiting command runs (its
  // own keys spared: see MakeRoom in dispatcher.cc).
  for (auto& w : ready) {
    if (--w->remaining == 0) w->done();
  }
}

// tiering no: Redis's eviction exactly (the key is deleted, on disk too).
bool ShardStore::handles_eviction() const { return TieringOn(); }

bool ShardStore::Evict(Db& db, Entry* e) {
  std::string dk = DbKey(db.index(), e->key());
  // With tracking, a pending key's batch would be built from memory at the
  // end of the iteration and would delete it: only clean keys go. Without,
  // the Put queued here follows any queued op of the key, so it may go.
  if (tracking() && pending_.count(dk)) return false;
  if (!tracking()) {
    storage::Op op{.kind = storage::Op::kPut, .db = static_cast<uint8_t>(db.index()), .key = std::string(e->key())};
    if (!EncodeRecord(e, &op.record.payload)) return false;
    QueueOp(std::move(op), dk);
  }
  set_cold_possible(db.index(), true);
  versions_.erase(dk);  // reloading reads the version back
  absent_.erase(dk);
  db.Drop(e);
  return true;
}

void ShardStore::OnProgress() {
  uint64_t written = TheStore()->written_seq(shard_->index());
  while (!submitted_.empty() && submitted_.front().seq <= written) {
    Submitted& s = submitted_.front();
    for (const std::string* k : s.keys) {
      auto it = pending_.find(*k);
      if (it != pending_.end() && it->second.seq == s.seq) pending_.erase(it);
    }
    submitted_.pop_front();
  }
  if (wait_written_.empty()) return;
  std::vector<std::pair<uint64_t, std::string>> still;
  for (auto& [seq, dk] : wait_written_) {
    if (seq > written) {
      still.emplace_back(seq, std::move(dk));
      continue;
    }
    auto p = pending_.find(dk);
    if (p != pending_.end()) {
      still.emplace_back(p->second.seq, std::move(dk));  // changed again since
    } else {
      to_load_.push_back(std::move(dk));
    }
  }
  wait_written_ = std::move(still);
  SubmitLoads();
}

}  // namespace yotta
