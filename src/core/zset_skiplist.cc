// YottaStore. Licensed under the Apache License 2.0.
// ZSkipList: skiplist order with spans (Redis's zsl algorithms) plus the
// member hash table threaded through the same nodes.
#include "core/zset_skiplist.h"

#include <malloc.h>

#include <cstdlib>
#include <new>

#include "base/hash.h"

namespace yotta {
namespace {
constexpr size_t kInitialBuckets = 4;

void* Alloc(size_t n) {
  void* p = std::malloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}

// (score, member) order; members compare as bytes (memcmp, then length).
bool Less(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}
}  // namespace

ZSkipList::ZSkipList() {
  rng_ = reinterpret_cast<uintptr_t>(this) * 0x9E3779B97F4A7C15ull + 1;
  head_ = NewNode(kMaxLevel, {}, 0);
  for (int i = 0; i < kMaxLevel; ++i) {
    head_->fwd()[i] = nullptr;
    head_->span()[i] = 0;
  }
  head_->backward = nullptr;
}

ZSkipList::~ZSkipList() {
  Node* x = head_->fwd()[0];
  while (x) {
    Node* next = x->fwd()[0];
    std::free(x);
    x = next;
  }
  std::free(head_);
  std::free(t_[0]);
  std::free(t_[1]);
}

ZSkipList::Node* ZSkipList::NewNode(int level, std::string_view member, double score) {
  size_t n = sizeof(Node) + level * (sizeof(Node*) + sizeof(uint32_t)) + member.size();
  auto* x = static_cast<Node*>(Alloc(n));
  x->hnext = nullptr;
  x->backward = nullptr;
  x->score = score;
  x->mlen = static_cast<uint32_t>(member.size());
  x->level = static_cast<uint8_t>(level);
  if (!member.empty()) std::memcpy(const_cast<char*>(x->mdata()), member.data(), member.size());
  bytes_ += malloc_usable_size(x);
  return x;
}

void ZSkipList::FreeNode(Node* n) {
  bytes_ -= malloc_usable_size(n);
  std::free(n);
}

ZSkipList::Node* ZSkipList::Find(std::string_view member) {
  if (size_ == 0) return nullptr;
  RehashStep(1);
  uint64_t h = Hash64(member);
  for (int t = 0; t < 2; ++t) {
    if (!t_[t]) break;
    for (Node* x = t_[t][h & (tsize_[t] - 1)]; x; x = x->hnext) {
      if (x->member() == member) return x;
    }
  }
  return nullptr;
}

ZSkipList::Node* ZSkipList::Insert(std::string_view member, double score) {
  int level = 1;
  // p = 1/4 per extra level, as Redis.
  for (;;) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    if ((rng_ & 3) != 0 || level >= kMaxLevel) break;
    ++level;
  }
  Node* n = NewNode(level, member, score);
  Link(n);
  MaybeResize(false);
  TableInsert(n, Hash64(member));
  ++size_;
  return n;
}

void ZSkipList::Link(Node* n) {
  Node* update[kMaxLevel];
  uint32_t rank[kMaxLevel];
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->fwd()[i] && Less(x->fwd()[i]->score, x->fwd()[i]->member(), n->score, n->member())) {
      rank[i] += x->span()[i];
      x = x->fwd()[i];
    }
    update[i] = x;
  }
  uint32_t len = static_cast<uint32_t>(size_);  // elements currently linked
  if (n->level > level_) {
    for (int i = level_; i < n->level; ++i) {
      rank[i] = 0;
      update[i] = head_;
      update[i]->span()[i] = len;
    }
    level_ = n->level;
  }
  for (int i = 0; i < n->level; ++i) {
    n->fwd()[i] = update[i]->fwd()[i];
    update[i]->fwd()[i] = n;
    n->span()[i] = update[i]->span()[i] - (rank[0] - rank[i]);
    update[i]->span()[i] = (rank[0] - rank[i]) + 1;
  }
  for (int i = n->level; i < level_; ++i) update[i]->span()[i]++;
  n->backward = update[0] == head_ ? nullptr : update[0];
  if (n->fwd()[0]) {
    n->fwd()[0]->backward = n;
  } else {
    tail_ = n;
  }
}

void ZSkipList::Unlink(Node* n) {
  Node* update[kMaxLevel];
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->fwd()[i] && x->fwd()[i] != n &&
           Less(x->fwd()[i]->score, x->fwd()[i]->member(), n->score, n->member())) {
      x = x->fwd()[i];
    }
    update[i] = x;
  }
  for (int i = 0; i < level_; ++i) {
    if (update[i]->fwd()[i] == n) {
      update[i]->span()[i] += n->span()[i] - 1;
      update[i]->fwd()[i] = n->fwd()[i];
    } else {
      update[i]->span()[i] -= 1;
    }
  }
  if (n->fwd()[0]) {
    n->fwd()[0]->backward = n->backward;
  } else {
    tail_ = n->backward;
  }
  while (level_ > 1 && head_->fwd()[level_ - 1] == nullptr) --level_;
}

void ZSkipList::UpdateScore(Node* n, double score) {
  Node* next = n->fwd()[0];
  if ((!n->backward || Less(n->backward->score, n->backward->member(), score, n->member())) &&
      (!next || Less(score, n->member(), next->score, next->member()))) {
    n->score = score;  // stays in place
    return;
  }
  // Unlink counts on size_ being the linked count in Link: keep it exact.
  Unlink(n);
  --size_;
  n->score = score;
  Link(n);
  ++size_;
}

void ZSkipList::Erase(Node* n) {
  Unlink(n);
  TableRemove(n);
  --size_;
  FreeNode(n);
  MaybeResize(true);
}

size_t ZSkipList::Rank(Node* n) {
  size_t rank = 0;
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->fwd()[i] &&
           (x->fwd()[i] == n ||
            Less(x->fwd()[i]->score, x->fwd()[i]->member(), n->score, n->member()))) {
      rank += x->span()[i];
      x = x->fwd()[i];
      if (x == n) return rank - 1;
    }
  }
  return rank - 1;  // not reached for a member node
}

ZSkipList::Node* ZSkipList::ByRank(size_t r) const {
  if (r >= size_) return nullptr;
  size_t want = r + 1, traversed = 0;
  Node* x = head_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->fwd()[i] && traversed + x->span()[i] <= want) {
      traversed += x->span()[i];
      x = x->fwd()[i];
    }
    if (traversed == want) return x;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Member table.

void ZSkipList::TableInsert(Node* n, uint64_t h) {
  RehashStep(1);
  int t = t_[1] ? 1 : 0;
  Node** slot = &t_[t][h & (tsize_[t] - 1)];
  n->hnext = *slot;
  *slot = n;
}

void ZSkipList::TableRemove(Node* n) {
  uint64_t h = Hash64(n->member());
  for (int t = 0; t < 2; ++t) {
    if (!t_[t]) break;
    Node** link = &t_[t][h & (tsize_[t] - 1)];
    while (*link) {
      if (*link == n) {
        *link = n->hnext;
        n->hnext = nullptr;
        return;
      }
      link = &(*link)->hnext;
    }
  }
}

void ZSkipList::MaybeResize(bool shrink) {
  if (t_[1]) return;
  size_t want = 0;
  if (!t_[0]) {
    t_[0] = static_cast<Node**>(std::calloc(kInitialBuckets, sizeof(Node*)));
    if (!t_[0]) throw std::bad_alloc();
    tsize_[0] = kInitialBuckets;
    bytes_ += kInitialBuckets * sizeof(Node*);
    return;
  }
  if (!shrink && size_ + 1 > tsize_[0]) want = tsize_[0] * 2;
  if (shrink && tsize_[0] > kInitialBuckets && size_ * 8 < tsize_[0]) {
    want = kInitialBuckets;
    while (want < size_ * 2) want *= 2;
  }
  if (!want) return;
  t_[1] = static_cast<Node**>(std::calloc(want, sizeof(Node*)));
  if (!t_[1]) throw std::bad_alloc();
  tsize_[1] = want;
  bytes_ += want * sizeof(Node*);
  rehash_idx_ = 0;
}

void ZSkipList::RehashStep(int n) {
  if (!t_[1]) return;
  int empty_visits = n * 10;
  size_t mask1 = tsize_[1] - 1;
  while (n > 0 && rehash_idx_ < tsize_[0]) {
    Node* x = t_[0][rehash_idx_];
    if (!x) {
      ++rehash_idx_;
      if (--empty_visits == 0) break;
      continue;
    }
    while (x) {
      Node* next = x->hnext;
      size_t b = Hash64(x->member()) & mask1;
      x->hnext = t_[1][b];
      t_[1][b] = x;
      x = next;
    }
    t_[0][rehash_idx_++] = nullptr;
    --n;
  }
  if (rehash_idx_ >= tsize_[0]) {
    bytes_ -= tsize_[0] * sizeof(Node*);
    std::free(t_[0]);
    t_[0] = t_[1];
    tsize_[0] = tsize_[1];
    t_[1] = nullptr;
    tsize_[1] = 0;
    rehash_idx_ = 0;
  }
}

}  // namespace yotta
