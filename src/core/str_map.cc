// YottaStore. Licensed under the Apache License 2.0.
#include "core/str_map.h"

#include <malloc.h>

#include <cstdlib>
#include <new>

#include "base/hash.h"
#include "base/varint.h"

namespace yotta {
namespace {

constexpr size_t kInitialSize = 4;
constexpr int kEmptyVisitsPerStep = 10;
// Random: pick a bucket and an index in [0, max(L, kChainCap)) for its
// chain of length L; retry if the index is past the chain. Every element of
// a chain up to kChainCap long has the same chance (chains are rarely longer
// at load <= 1; an element of a longer chain is slightly less likely).
constexpr uint64_t kChainCap = 4;

StrMap::Node** NewBuckets(size_t n) {
  auto* t = static_cast<StrMap::Node**>(std::calloc(n, sizeof(StrMap::Node*)));
  if (!t) throw std::bad_alloc();
  return t;
}


}  // namespace

StrMap::~StrMap() {
  for (int t = 0; t < 2; ++t) {
    Node** tab = t ? t1_ : t0_;
    size_t n = t ? size1_ : size0_;
    for (size_t i = 0; tab && i < n; ++i) {
      for (Node* e = tab[i]; e;) {
        Node* next = Next(e);
        std::free(e);
        e = next;
      }
    }
  }
  std::free(t0_);
  std::free(t1_);
}

StrMap* StrMap::Clone() const {
  auto* m = new StrMap(with_values_);
  m->Reserve(size_);
  ForEach([&](const Node* n) { m->Insert(Key(n), Value(n)); });
  return m;
}

std::string_view StrMap::Key(const Node* n) {
  uint64_t klen;
  const char* p = GetVarint(n + sizeof(Node*), &klen);
  return {p, klen};
}

std::string_view StrMap::Value(const Node* n) const {
  if (!with_values_) return {};
  uint64_t vlen, klen;
  const char* p = GetVarint(n + sizeof(Node*), &klen);
  p = GetVarint(p + klen, &vlen);
  return {p, vlen};
}

StrMap::Node* StrMap::NewNode(std::string_view key, std::string_view value) {
  size_t n = sizeof(Node*) + VarintLen(key.size()) + key.size();
  if (with_values_) n += VarintLen(value.size()) + value.size();
  auto* node = static_cast<Node*>(std::malloc(n));
  if (!node) throw std::bad_alloc();
  SetNext(node, nullptr);
  char* p = PutVarint(node + sizeof(Node*), key.size());
  std::memcpy(p, key.data(), key.size());
  p += key.size();
  if (with_values_) {
    p = PutVarint(p, value.size());
    std::memcpy(p, value.data(), value.size());
  }
  bytes_ += malloc_usable_size(node);
  return node;
}

void StrMap::FreeNode(Node* n) {
  bytes_ -= malloc_usable_size(n);
  std::free(n);
}

StrMap::Node** StrMap::FindLink(std::string_view key) {
  if (size_ == 0) return nullptr;
  uint64_t h = Hash64(key);
  for (int t = 0; t < 2; ++t) {
    Node** tab = t ? t1_ : t0_;
    if (!tab) break;
    Node** link = &tab[h & ((t ? size1_ : size0_) - 1)];
    for (; *link; link = reinterpret_cast<Node**>(*link)) {
      if (Key(*link) == key) return link;
    }
  }
  return nullptr;
}

const StrMap::Node* StrMap::Find(std::string_view key) const {
  Node** l = const_cast<StrMap*>(this)->FindLink(key);
  return l ? *l : nullptr;
}

void StrMap::Insert(std::string_view key, std::string_view value) {
  MaybeGrow();
  if (t1_) RehashStep(1);
  Node* n = NewNode(key, value);
  Node** tab = t1_ ? t1_ : t0_;
  size_t b = Hash64(key) & ((t1_ ? size1_ : size0_) - 1);
  SetNext(n, tab[b]);
  tab[b] = n;
  ++size_;
}

bool StrMap::Set(std::string_view key, std::string_view value) {
  if (t1_) RehashStep(1);
  Node** link = FindLink(key);
  if (!link) {
    Insert(key, value);
    return true;
  }
  Node* old = *link;
  if (with_values_ && Value(old) != value) {
    Node* n = NewNode(key, value);
    SetNext(n, Next(old));
    *link = n;
    FreeNode(old);
  }
  return false;
}

bool StrMap::Erase(std::string_view key) {
  if (t1_) RehashStep(1);
  Node** link = FindLink(key);
  if (!link) return false;
  Node* n = *link;
  *link = Next(n);
  FreeNode(n);
  --size_;
  MaybeShrink();
  return true;
}

void StrMap::Reserve(size_t n) {
  if (t1_ || n <= size0_) return;
  size_t s = kInitialSize;
  while (s < n) s *= 2;
  if (!t0_) {
    t0_ = NewBuckets(s);
    size0_ = s;
    return;
  }
  StartResize(s);
}

void StrMap::MaybeGrow() {
  if (!t0_) {
    t0_ = NewBuckets(kInitialSize);
    size0_ = kInitialSize;
    return;
  }
  if (!t1_ && size_ >= size0_) StartResize(size0_ * 2);
}

void StrMap::MaybeShrink() {
  if (size_ == 0) {  // drop the arrays, even mid-rehash
    std::free(t0_);
    std::free(t1_);
    t0_ = t1_ = nullptr;
    size0_ = size1_ = rehash_idx_ = 0;
    return;
  }
  if (t1_ || size0_ <= kInitialSize || size_ * 8 >= size0_) return;
  size_t s = kInitialSize;
  while (s < size_ * 2) s *= 2;
  StartResize(s);
}

void StrMap::StartResize(size_t n) {
  t1_ = NewBuckets(n);
  size1_ = n;
  rehash_idx_ = 0;
}

void StrMap::RehashStep(int n) {
  int empty_visits = n * kEmptyVisitsPerStep;
  while (n-- > 0 && rehash_idx_ < size0_) {
    while (!t0_[rehash_idx_]) {
      ++rehash_idx_;
      if (rehash_idx_ == size0_ || --empty_visits == 0) break;
    }
    if (rehash_idx_ == size0_ || !t0_[rehash_idx_]) break;
    for (Node* e = t0_[rehash_idx_]; e;) {
      Node* next = Next(e);
      size_t b = Hash64(Key(e)) & (size1_ - 1);
      SetNext(e, t1_[b]);
      t1_[b] = e;
      e = next;
    }
    t0_[rehash_idx_++] = nullptr;
  }
  if (rehash_idx_ >= size0_) {
    std::free(t0_);
    t0_ = t1_;
    size0_ = size1_;
    t1_ = nullptr;
    size1_ = 0;
    rehash_idx_ = 0;
  }
}

const StrMap::Node* StrMap::Random(uint64_t* rng) const {
  if (size_ == 0) return nullptr;
  size_t total = size0_ + size1_;
  for (;;) {
    uint64_t r = NextRandom(rng);
    size_t b = r % total;
    Node* head = b < size0_ ? t0_[b] : t1_[b - size0_];
    if (!head) continue;
    uint64_t len = 0;
    for (Node* e = head; e; e = Next(e)) ++len;
    uint64_t pick = NextRandom(rng) % (len > kChainCap ? len : kChainCap);
    if (pick >= len) continue;
    Node* e = head;
    while (pick--) e = Next(e);
    return e;
  }
}

}  // namespace yotta
