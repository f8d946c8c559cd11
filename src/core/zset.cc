// YottaStore. Licensed under the Apache License 2.0.
// ZSet: the listpack encoding's operations, conversion, and serialization.
#include "core/zset.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "base/varint.h"
#include "core/listpack.h"

namespace yotta {

namespace zset_detail {
uint32_t LpFirst(const uint8_t* lp) { return lp::First(lp); }
uint32_t LpEnd(const uint8_t* lp) { return lp::End(lp); }
uint32_t LpNext(const uint8_t* lp, uint32_t p) { return lp::Next(lp, p); }
std::string_view LpGet(const uint8_t* lp, uint32_t p) { return lp::Get(lp, p); }
uint32_t LpSeekPair(const uint8_t* lp, size_t r) {
  return lp::Seek(lp, static_cast<int64_t>(r * 2));
}
uint32_t LpPrevPair(const uint8_t* lp, uint32_t p) { return lp::Prev(lp, lp::Prev(lp, p)); }
}  // namespace zset_detail

namespace {
std::string_view ScoreBytes(const double& s) {
  return {reinterpret_cast<const char*>(&s), sizeof(double)};
}
bool Less(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}
}  // namespace

ZSet::ZSet(bool skiplist) {
  if (skiplist) sl_ = new ZSkipList();
}

ZSet::~ZSet() {
  if (lp_) lp::Free(lp_);
  delete sl_;
}

size_t ZSet::size() const {
  if (sl_) return sl_->size();
  return lp_ ? lp::Count(lp_) / 2 : 0;
}

size_t ZSet::bytes() const {
  return sizeof(ZSet) + (sl_ ? sizeof(ZSkipList) + sl_->bytes() : 0) + (lp_ ? lp::Bytes(lp_) : 0);
}

ZSet* ZSet::Clone() const {
  auto* z = new ZSet(sl_ != nullptr);
  if (lp_) z->lp_ = lp::Clone(lp_);
  if (sl_) {
    for (ZSkipList::Node* x = sl_->First(); x; x = x->fwd()[0]) z->sl_->Insert(x->member(), x->score);
  }
  return z;
}

double ZSet::LpScore(std::string_view raw) {
  double s;
  std::memcpy(&s, raw.data(), sizeof(double));
  return s;
}

uint32_t ZSet::LpFindMember(std::string_view member) const {
  return lp::Find(lp_, lp::First(lp_), member, 1);
}

std::optional<double> ZSet::Score(std::string_view member) const {
  if (sl_) {
    ZSkipList::Node* x = sl_->Find(member);
    if (!x) return std::nullopt;
    return x->score;
  }
  if (!lp_) return std::nullopt;
  uint32_t p = LpFindMember(member);
  if (p == lp::End(lp_)) return std::nullopt;
  return LpScore(lp::Get(lp_, lp::Next(lp_, p)));
}

bool ZSet::Set(std::string_view member, double score) {
  if (sl_) {
    ZSkipList::Node* x = sl_->Find(member);
    if (x) {
      if (x->score != score) sl_->UpdateScore(x, score);
      return false;
    }
    sl_->Insert(member, score);
    return true;
  }
  if (!lp_) lp_ = lp::New();
  // Redis's listpack keeps scores as text, where -0 reads back as 0; the
  // skiplist keeps the raw double (and so -0).
  if (score == 0) score = 0.0;
  std::string copy(member);  // member may point into our own listpack
  member = copy;
  bool fresh = true;
  uint32_t p = LpFindMember(member);
  if (p != lp::End(lp_)) {
    if (LpScore(lp::Get(lp_, lp::Next(lp_, p))) == score) return false;
    lp_ = lp::Delete(lp_, p, 2);
    fresh = false;
  }
  // Insert before the first pair that sorts after (score, member).
  for (p = lp::First(lp_); p != lp::End(lp_);) {
    std::string_view m = lp::Get(lp_, p);
    uint32_t sp = lp::Next(lp_, p);
    if (Less(score, member, LpScore(lp::Get(lp_, sp)), m)) break;
    p = lp::Next(lp_, sp);
  }
  // Insert score then member at the same position: member ends up first.
  lp_ = lp::Insert(lp_, p, ScoreBytes(score));
  lp_ = lp::Insert(lp_, p, member);
  return fresh;
}

bool ZSet::Erase(std::string_view member) {
  if (sl_) {
    ZSkipList::Node* x = sl_->Find(member);
    if (!x) return false;
    sl_->Erase(x);
    return true;
  }
  if (!lp_) return false;
  uint32_t p = LpFindMember(member);
  if (p == lp::End(lp_)) return false;
  lp_ = lp::Delete(lp_, p, 2);
  return true;
}

std::optional<size_t> ZSet::Rank(std::string_view member) const {
  if (sl_) {
    ZSkipList::Node* x = sl_->Find(member);
    if (!x) return std::nullopt;
    return sl_->Rank(x);
  }
  if (!lp_) return std::nullopt;
  size_t r = 0;
  for (uint32_t p = lp::First(lp_); p != lp::End(lp_); ++r) {
    if (lp::Get(lp_, p) == member) return r;
    p = lp::Next(lp_, lp::Next(lp_, p));
  }
  return std::nullopt;
}

std::pair<std::string_view, double> ZSet::At(size_t r) const {
  if (sl_) {
    ZSkipList::Node* x = sl_->ByRank(r);
    return {x->member(), x->score};
  }
  uint32_t p = zset_detail::LpSeekPair(lp_, r);
  return {lp::Get(lp_, p), LpScore(lp::Get(lp_, lp::Next(lp_, p)))};
}

void ZSet::ToSkiplist() {
  if (sl_) return;
  sl_ = new ZSkipList();
  if (!lp_) return;
  for (uint32_t p = lp::First(lp_); p != lp::End(lp_);) {
    std::string_view m = lp::Get(lp_, p);
    p = lp::Next(lp_, p);
    sl_->Insert(m, LpScore(lp::Get(lp_, p)));
    p = lp::Next(lp_, p);
  }
  lp::Free(lp_);
  lp_ = nullptr;
}

void ZSet::Serialize(std::string* out) const {
  PutVarint(out, size());
  Walk(0, size(), false, [&](std::string_view m, double s) {
    PutVarint(out, m.size());
    out->append(m);
    out->append(ScoreBytes(s));
  });
}

ZSet* ZSet::Deserialize(std::string_view in, size_t max_lp_entries, size_t max_lp_value) {
  uint64_t n;
  if (!GetVarint(&in, &n) || n == 0 || n > in.size()) return nullptr;
  struct Item {
    std::string_view m;
    double s;
  };
  std::vector<Item> items;
  items.reserve(n);
  bool small = n <= max_lp_entries;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len;
    if (!GetVarint(&in, &len) || len > in.size() || in.size() - len < sizeof(double)) return nullptr;
    Item it{in.substr(0, len), LpScore(in.substr(len, sizeof(double)))};
    if (std::isnan(it.s)) return nullptr;
    if (len > max_lp_value) small = false;
    in.remove_prefix(len + sizeof(double));
    items.push_back(it);
  }
  if (!in.empty()) return nullptr;
  auto* z = new ZSet(!small);
  for (const Item& it : items) {
    if (!z->Set(it.m, it.s)) {  // duplicate member
      delete z;
      return nullptr;
    }
  }
  return z;
}

}  // namespace yotta
