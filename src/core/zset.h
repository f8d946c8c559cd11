// YottaStore. Licensed under the Apache License 2.0.
// ZSet: a sorted set value in one of two encodings, as Redis:
//   listpack  member, score pairs in (score, member) order in one listpack;
//             the score is its 8 raw double bytes. O(N) operations, for
//             small sets (zset-max-listpack-entries / -value).
//   skiplist  core/zset_skiplist.h: O(log N) insert, delete, rank.
// Every query is expressed in ranks (0-based positions in ascending order):
// a score or lex range becomes [CountBefore(start), CountBefore(end)), so
// both encodings share one set of range operations. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/zset_skiplist.h"

namespace yotta {

class ZSet {
 public:
  ZSet() = default;  // an empty listpack
  explicit ZSet(bool skiplist);
  ~ZSet();
  ZSet(const ZSet&) = delete;
  ZSet& operator=(const ZSet&) = delete;

  bool is_listpack() const { return sl_ == nullptr; }
  size_t size() const;
  // Allocated bytes (O(1)).
  size_t bytes() const;
  ZSet* Clone() const;

  std::optional<double> Score(std::string_view member) const;
  // Inserts or moves `member` to `score`. Returns true iff it was new.
  bool Set(std::string_view member, double score);
  // Returns true iff member was present.
  bool Erase(std::string_view member);
  std::optional<size_t> Rank(std::string_view member) const;

  // Number of leading elements for which before(score, member) holds
  // (before must hold on a prefix of the order only).
  template <class Pred>
  size_t CountBefore(Pred&& before) const;

  // Calls fn(member, score) for ranks [start, end) ascending, or
  // (reverse) for ranks end-1 down to start. REQUIRES: end <= size().
  template <class F>
  void Walk(size_t start, size_t end, bool reverse, F&& fn) const;

  // The element at rank r. REQUIRES: r < size().
  std::pair<std::string_view, double> At(size_t r) const;

  // Converts to the skiplist encoding (no-op if already).
  void ToSkiplist();

  // ZSCAN over the skiplist's member table (listpack: everything, cursor 0).
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& fn) const;

  // Serialized form: varint count, then per element varint length, member
  // bytes, 8 raw score bytes. Deserialize returns nullptr on any malformed
  // input (lengths, duplicates, NaN); it picks the encoding from the limits.
  void Serialize(std::string* out) const;
  static ZSet* Deserialize(std::string_view in, size_t max_lp_entries, size_t max_lp_value);

 private:
  // listpack helpers
  static double LpScore(std::string_view raw);
  uint32_t LpFindMember(std::string_view member) const;  // position or End

  uint8_t* lp_ = nullptr;  // listpack encoding (lazily created)
  ZSkipList* sl_ = nullptr;
};

// ---------------------------------------------------------------------------

namespace zset_detail {
uint32_t LpFirst(const uint8_t* lp);
uint32_t LpEnd(const uint8_t* lp);
uint32_t LpNext(const uint8_t* lp, uint32_t p);
std::string_view LpGet(const uint8_t* lp, uint32_t p);
uint32_t LpSeekPair(const uint8_t* lp, size_t r);  // member position of pair r
uint32_t LpPrevPair(const uint8_t* lp, uint32_t p);  // member position of the pair before
}  // namespace zset_detail

template <class Pred>
size_t ZSet::CountBefore(Pred&& before) const {
  if (sl_) return sl_->CountBefore(before);
  if (!lp_) return 0;
  using namespace zset_detail;
  size_t n = 0;
  for (uint32_t p = LpFirst(lp_); p != LpEnd(lp_);) {
    std::string_view m = LpGet(lp_, p);
    p = LpNext(lp_, p);
    double s = LpScore(LpGet(lp_, p));
    p = LpNext(lp_, p);
    if (!before(s, m)) break;
    ++n;
  }
  return n;
}

template <class F>
void ZSet::Walk(size_t start, size_t end, bool reverse, F&& fn) const {
  if (start >= end) return;
  if (sl_) {
    if (!reverse) {
      ZSkipList::Node* x = sl_->ByRank(start);
      for (size_t i = start; i < end && x; ++i, x = x->fwd()[0]) fn(x->member(), x->score);
    } else {
      ZSkipList::Node* x = sl_->ByRank(end - 1);
      for (size_t i = start; i < end && x; ++i, x = x->backward) fn(x->member(), x->score);
    }
    return;
  }
  using namespace zset_detail;
  if (!reverse) {
    uint32_t p = LpSeekPair(lp_, start);
    for (size_t i = start; i < end; ++i) {
      std::string_view m = LpGet(lp_, p);
      p = LpNext(lp_, p);
      double s = LpScore(LpGet(lp_, p));
      p = LpNext(lp_, p);
      fn(m, s);
    }
  } else {
    uint32_t p = LpSeekPair(lp_, end - 1);
    for (size_t i = end; i-- > start;) {
      fn(LpGet(lp_, p), LpScore(LpGet(lp_, LpNext(lp_, p))));
      if (i > start) p = LpPrevPair(lp_, p);
    }
  }
}

template <class F>
uint64_t ZSet::Scan(uint64_t cursor, F&& fn) const {
  if (sl_) return sl_->Scan(cursor, [&](ZSkipList::Node* x) { fn(x->member(), x->score); });
  Walk(0, size(), false, fn);
  return 0;
}

}  // namespace yotta
