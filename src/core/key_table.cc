// YottaStore. Licensed under the Apache License 2.0.
#include "core/key_table.h"

#include <cstdlib>
#include <new>

#include "base/hash.h"

namespace yotta {
namespace {
constexpr size_t kInitialSize = 4;

// calloc, not new[](): for a large array the allocator hands out fresh
// zero pages instead of zero-filling megabytes during a grow.
Entry** NewBuckets(size_t n) {
  auto* t = static_cast<Entry**>(std::calloc(n, sizeof(Entry*)));
  if (!t) throw std::bad_alloc();
  return t;
}
constexpr int kEmptyVisitsPerStep = 10;
}  // namespace

KeyTable::~KeyTable() {
  int64_t ignored = 0;
  Clear([&](Entry* e) { EntryAlloc::Free(e, &ignored); });
}

Entry** KeyTable::FindLink(std::string_view key, uint64_t hash) {
  if (size_ == 0) return nullptr;
  if (t1_) RehashStep(1);
  for (int t = 0; t < 2; ++t) {
    Entry** table = t == 0 ? t0_ : t1_;
    if (!table) break;
    size_t mask = (t == 0 ? size0_ : size1_) - 1;
    Entry** link = &table[hash & mask];
    while (*link) {
      Entry* e = *link;
      if (e->key() == key) return link;
      link = e->next_link();
    }
  }
  return nullptr;
}

void KeyTable::Insert(Entry* e, uint64_t hash) {
  MaybeResize();
  if (t1_) RehashStep(1);
  Entry** table = t1_ ? t1_ : t0_;
  size_t mask = (t1_ ? size1_ : size0_) - 1;
  e->set_next(table[hash & mask]);
  table[hash & mask] = e;
  ++size_;
}

void KeyTable::MaybeResize() {
  if (!t0_) {
    t0_ = NewBuckets(kInitialSize);
    size0_ = kInitialSize;
    return;
  }
  if (!t1_ && size_ >= size0_) StartResize(size0_ * 2);
}

void KeyTable::MaybeShrink() {
  if (!t1_ && t0_ && size0_ > kInitialSize && size_ * 8 < size0_) {
    size_t n = kInitialSize;
    while (n < size_ * 2) n *= 2;
    StartResize(n);
  }
}

void KeyTable::StartResize(size_t new_size) {
  t1_ = NewBuckets(new_size);
  size1_ = new_size;
  rehash_idx_ = 0;
}

bool KeyTable::RehashStep(int n) {
  if (!t1_) return false;
  int empty_visits = n * kEmptyVisitsPerStep;
  size_t mask1 = size1_ - 1;
  while (n-- > 0 && rehash_idx_ < size0_) {
    while (t0_[rehash_idx_] == nullptr) {
      ++rehash_idx_;
      if (rehash_idx_ == size0_ || --empty_visits == 0) break;
    }
    if (rehash_idx_ == size0_) break;
    if (t0_[rehash_idx_] == nullptr) return true;  // ran out of empty visits
    Entry* e = t0_[rehash_idx_];
    while (e) {
      Entry* next = e->next();
      size_t b = Hash64(e->key()) & mask1;
      e->set_next(t1_[b]);
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
    return false;
  }
  return true;
}

Entry* KeyTable::Random(uint64_t rnd) {
  if (size_ == 0) return nullptr;
  // Sample buckets until a non-empty one; tables are at least 1/8 full (or
  // tiny), so the expected number of tries is small. Bound it anyway.
  for (int tries = 0; tries < 1000; ++tries) {
    uint64_t r = rnd + tries * 0x9E3779B97F4A7C15ull;
    r ^= r >> 29;
    Entry* head;
    if (t1_) {
      size_t total = size0_ + size1_;
      size_t i = r % total;
      head = i < size0_ ? t0_[i] : t1_[i - size0_];
    } else {
      head = t0_[r & (size0_ - 1)];
    }
    if (!head) continue;
    size_t len = 0;
    for (Entry* e = head; e; e = e->next()) ++len;
    size_t pick = (r >> 32) % len;
    for (Entry* e = head;; e = e->next()) {
      if (pick-- == 0) return e;
    }
  }
  Entry* found = nullptr;
  ForEach([&](Entry* e) {
    if (!found) found = e;
  });
  return found;
}

}  // namespace yotta
