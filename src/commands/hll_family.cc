// YottaStore. Licensed under the Apache License 2.0.
// HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST. A HLL is a
// plain string value in Redis's exact format (core/hll.h), so GET, DUMP and
// RESTORE carry it across to and from redis-server unchanged.
#include <cstring>
#include <string>
#include <vector>

#include "base/str_util.h"
#include "core/hll.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kErrCorrupt = "INVALIDOBJ Corrupted HLL object detected";
constexpr std::string_view kErrNoKey = "ERR The specified key does not exist";
constexpr std::string_view kErrNotSparse = "ERR HLL encoding is not sparse";

size_t SparseMaxBytes() {
  int64_t v = Config::Get().hll_sparse_max_bytes.load(std::memory_order_relaxed);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

// Redis's isHLLObjectOrReply: WRONGTYPE for another type or a string that
// is not a HLL. Replies and returns false on failure.
[[nodiscard]] bool CheckHll(CmdContext& cx, const Entry* e) {
  if (e->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
    return false;
  }
  if (!hll::IsValid(e->str())) {
    cx.rb().Error(kErrNotHll);
    return false;
  }
  return true;
}

// The slot of the live entry for `key`, touched as Find does; nullptr if
// absent.
Entry** FindLinkTouch(Db& db, std::string_view key) { return db.Find(key) ? db.FindLink(key) : nullptr; }

// Writes `h` as the value of the entry at `link` (keeping its TTL), or
// creates the key when link is null. A sparse HLL grows a few bytes at a
// time (amortized in place); the dense promotion gets an exact-sized entry.
void StoreHll(Db& db, Entry** link, std::string_view key, const std::string& h) {
  if (!link) {
    db.Insert(EntryAlloc::NewString(key, h, 0, db.slice().bytes_counter()));
    return;
  }
  Entry* e = *link;
  if (e->str_capacity() < h.size()) {
    if (h.size() == hll::kDenseSize) {
      db.SetString(key, h, 0, /*keep_ttl=*/true);
      return;
    }
    e = db.GrowString(link, h.size());
  }
  std::memcpy(e->mutable_str(), h.data(), h.size());
  e->set_val_len(static_cast<uint32_t>(h.size()));
}

// PFADD key [element ...]: 1 if a register changed or the key was created.
void CmdPfAdd(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = FindLinkTouch(db, key);
  if (link && !CheckHll(cx, *link)) return;
  size_t max_bytes = SparseMaxBytes();
  bool updated = link == nullptr;
  if (link && !hll::IsSparse((*link)->str())) {
    // Dense: update in place, no copy.
    char* h = (*link)->mutable_str();
    for (size_t j = 2; j < cx.argc(); ++j) updated |= hll::DenseAdd(h, cx.arg(j));
    if (updated) hll::InvalidateCache(h);
    cx.rb().Integer(updated ? 1 : 0);
    return;
  }
  std::string h = link ? std::string((*link)->str()) : hll::NewEmpty();
  bool corrupt = false;
  for (size_t j = 2; j < cx.argc() && !corrupt; ++j) {
    int r = hll::Add(&h, cx.arg(j), max_bytes);
    corrupt = r < 0;
    updated |= r > 0;
  }
  // As Redis, registers set before a corruption was found stay set.
  if (updated && !corrupt) hll::InvalidateCache(h.data());
  StoreHll(db, link, key, h);
  if (corrupt) {
    cx.rb().Error(kErrCorrupt);
  } else {
    cx.rb().Integer(updated ? 1 : 0);
  }
}

// PFCOUNT with several keys: the union's cardinality; nothing is modified.
void PfCountUnion(CmdContext& cx) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  for (size_t j = 1; j < cx.argc(); ++j) {
    Entry* e = cx.DbFor(cx.arg(j)).FindRead(cx.arg(j));
    if (!e) continue;
    if (!CheckHll(cx, e)) return;
    if (!hll::MergeInto(e->str(), max.data())) {
      cx.rb().Error(kErrCorrupt);
      return;
    }
  }
  cx.rb().Integer(static_cast<int64_t>(hll::CountRaw(max.data())));
}

// PFCOUNT key [key ...]. One key: the cached cardinality, recomputed and
// stored in the header when stale (so the value changes, as in Redis).
void CmdPfCount(CmdContext& cx) {
  if (cx.argc() > 2) {
    PfCountUnion(cx);
    return;
  }
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e = db.FindRead(cx.arg(1));
  if (!e) {
    cx.rb().Integer(0);
    return;
  }
  if (!CheckHll(cx, e)) return;
  char* h = e->mutable_str();
  uint64_t card;
  if (hll::CacheValid(h)) {
    card = hll::CachedCard(h);
  } else {
    if (!hll::Count(e->str(), &card)) {
      cx.rb().Error(kErrCorrupt);
      return;
    }
    hll::StoreCard(h, card);
    db.MarkChanged(cx.arg(1));  // a read that rewrites the value, as in Redis
  }
  cx.rb().Integer(static_cast<int64_t>(card));
}

// PFMERGE destkey [sourcekey ...]: the register-wise max of every key
// (destination included) into destkey; dense if any input is dense.
void CmdPfMerge(CmdContext& cx) {
  std::vector<uint8_t> max(hll::kRegisters, 0);
  bool use_dense = false;
  for (size_t j = 1; j < cx.argc(); ++j) {
    Entry* e = cx.DbFor(cx.arg(j)).FindRead(cx.arg(j));
    if (!e) continue;
    if (!CheckHll(cx, e)) return;
    use_dense |= !hll::IsSparse(e->str());
    if (!hll::MergeInto(e->str(), max.data())) {
      cx.rb().Error(kErrCorrupt);
      return;
    }
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = FindLinkTouch(db, key);
  std::string h = link ? std::string((*link)->str()) : hll::NewEmpty();
  if (use_dense && !hll::SparseToDense(&h)) {
    cx.rb().Error(kErrCorrupt);
    return;
  }
  size_t max_bytes = SparseMaxBytes();
  for (uint32_t j = 0; j < hll::kRegisters; ++j) {
    if (max[j] != 0) hll::Set(&h, j, max[j], max_bytes);
  }
  hll::InvalidateCache(h.data());
  StoreHll(db, link, key, h);
  cx.rb().Ok();
}

void ReplyRegisters(CmdContext& cx, std::string_view dense) {
  const uint8_t* regs = reinterpret_cast<const uint8_t*>(dense.data()) + hll::kHeaderSize;
  cx.rb().Array(hll::kRegisters);
  for (uint32_t j = 0; j < hll::kRegisters; ++j) cx.rb().Integer(hll::DenseGet(regs, j));
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. GETREG and TODENSE convert a
// sparse HLL to dense, as in Redis.
void CmdPfDebug(CmdContext& cx) {
  std::string_view sub = cx.arg(1), key = cx.arg(2);
  Db& db = cx.DbFor(key);
  Entry** link = FindLinkTouch(db, key);
  if (!link) {
    cx.rb().Error(kErrNoKey);
    return;
  }
  if (!CheckHll(cx, *link)) return;
  bool sparse = hll::IsSparse((*link)->str());
  bool getreg = EqualsIgnoreCase(sub, "getreg");
  if (getreg || EqualsIgnoreCase(sub, "todense")) {
    if (sparse) {
      std::string h((*link)->str());
      if (!hll::SparseToDense(&h)) {
        cx.rb().Error(kErrCorrupt);
        return;
      }
      StoreHll(db, link, key, h);
      link = db.FindLink(key);
    }
    if (getreg) {
      ReplyRegisters(cx, (*link)->str());
    } else {
      cx.rb().Integer(sparse ? 1 : 0);
    }
  } else if (EqualsIgnoreCase(sub, "decode")) {
    if (!sparse) {
      cx.rb().Error(kErrNotSparse);
      return;
    }
    cx.rb().Bulk(hll::DecodeSparse((*link)->str()));
  } else if (EqualsIgnoreCase(sub, "encoding")) {
    cx.rb().SimpleString(sparse ? "sparse" : "dense");
  } else {
    cx.rb().Error("ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'");
  }
}

void CmdPfSelfTest(CmdContext& cx) {
  std::string err = hll::SelfTest(SparseMaxBytes());
  if (err.empty()) {
    cx.rb().Ok();
  } else {
    cx.rb().Error(err);
  }
}

}  // namespace

void RegisterHllFamily(CommandRegistry& reg) {
  const char* cat = "hyperloglog";
  reg.Add({"pfadd", -2, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdPfAdd, cat});
  reg.Add({"pfcount", -2, kReadOnly | kMayReplicate, {1, -1, 1}, CmdPfCount, cat});
  reg.Add({"pfmerge", -2, kWrite | kDenyOom, {1, -1, 1}, CmdPfMerge, cat});
  reg.Add({"pfdebug", 3, kWrite | kDenyOom | kAdmin, {2, 2, 1}, CmdPfDebug, cat});
  reg.Add({"pfselftest", 1, kAdmin, {0, 0, 0}, CmdPfSelfTest, cat});
}

}  // namespace yotta
