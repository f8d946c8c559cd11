// YottaStore. Licensed under the Apache License 2.0.
// ZSkipList: the big encoding of a sorted set ("skiplist" in OBJECT ENCODING).
// A skiplist ordered by (score, member) with Redis's spans (O(log N) rank
// queries), whose nodes also chain into a member -> node hash table.
//
// One allocation per element, the member bytes inline:
//
//   [hnext 8][backward 8][score 8][mlen 4][level 1 + pad 3]
//   [forward 8 * level][span 4 * level][member bytes]
//
// Per element: 44 + mlen bytes for a level-1 node (level L adds 12 * (L-1);
// p = 1/4, so 1.33 levels on average, ~48 + mlen), rounded up to jemalloc's
// size class, plus 8-16 bytes of hash bucket (load factor 0.5-1). A 13-byte
// member costs ~64 + 12 = ~76 bytes; Redis 7.0 spends ~130 (skiplist node,
// sds, dictEntry and bucket).
//
// The hash table is power-of-two, grown at load 1 and shrunk below 1/8,
// rehashed incrementally (a few buckets per operation) as Redis's dict, so
// no call pauses for time proportional to the size. Scan uses Redis's
// reverse-binary cursor and survives resizes.
//
// Not thread-safe. REQUIRES: fewer than 2^32 elements (spans are 32-bit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/bucket_scan.h"

namespace yotta {

class ZSkipList {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node {
    Node* hnext;
    Node* backward;
    double score;
    uint32_t mlen;
    uint8_t level;

    Node** fwd() { return reinterpret_cast<Node**>(this + 1); }
    uint32_t* span() { return reinterpret_cast<uint32_t*>(fwd() + level); }
    const char* mdata() const {
      auto* self = const_cast<Node*>(this);
      return reinterpret_cast<const char*>(self->span() + level);
    }
    std::string_view member() const { return {mdata(), mlen}; }
    Node* next() { return fwd()[0]; }
  };

  ZSkipList();
  ~ZSkipList();
  ZSkipList(const ZSkipList&) = delete;
  ZSkipList& operator=(const ZSkipList&) = delete;

  size_t size() const { return size_; }
  // Allocated bytes of nodes and tables (O(1)).
  size_t bytes() const { return bytes_; }

  Node* Find(std::string_view member);
  // REQUIRES: member absent.
  Node* Insert(std::string_view member, double score);
  // Changes the score of n, moving it if needed. Returns n.
  void UpdateScore(Node* n, double score);
  // Unlinks and frees n.
  void Erase(Node* n);

  // 0-based rank of n in ascending order.
  size_t Rank(Node* n);
  // The node at 0-based rank r; nullptr if out of range.
  Node* ByRank(size_t r) const;
  Node* First() const { return head_->fwd()[0]; }
  Node* Last() const { return tail_; }

  // Number of leading elements (in order) for which before(score, member)
  // holds. REQUIRES: before is true on a prefix of the order only.
  template <class Pred>
  size_t CountBefore(Pred&& before) const {
    size_t rank = 0;
    Node* x = head_;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->fwd()[i] && before(x->fwd()[i]->score, x->fwd()[i]->member())) {
        rank += x->span()[i];
        x = x->fwd()[i];
      }
    }
    return rank;
  }

  // Calls fn(Node*) for the bucket(s) at cursor; returns the next cursor
  // (0 when done).
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& fn) const;

 private:
  Node* NewNode(int level, std::string_view member, double score);
  void FreeNode(Node* n);
  void Link(Node* n);    // inserts n into the skiplist order
  void Unlink(Node* n);  // removes n from the order (not from the table)
  void TableInsert(Node* n, uint64_t h);
  void TableRemove(Node* n);
  void MaybeResize(bool shrink);
  void RehashStep(int n);

  Node* head_;
  Node* tail_ = nullptr;
  int level_ = 1;
  size_t size_ = 0;
  size_t bytes_ = 0;
  uint64_t rng_;
  // Hash table: t_[1] non-null while rehashing t_[0] into it.
  Node** t_[2] = {nullptr, nullptr};
  size_t tsize_[2] = {0, 0};
  size_t rehash_idx_ = 0;
};


template <class F>
uint64_t ZSkipList::Scan(uint64_t v, F&& fn) const {
  if (size_ == 0 || !t_[0]) return 0;
  return ScanBuckets(v, t_[0], tsize_[0], t_[1], tsize_[1], [&](Node* e) {
    for (; e; e = e->hnext) fn(e);
  });
}

}  // namespace yotta
