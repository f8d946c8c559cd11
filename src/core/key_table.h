// YottaStore. Licensed under the Apache License 2.0.
// KeyTable: the hash table of one db on one shard, key -> Entry*.
//
// Chained buckets (the chain link lives in the Entry, so a key costs one
// allocation plus its bucket slot). Power-of-two sizes, grown at load 1 and
// shrunk below 1/8, with incremental rehashing as Redis's dict does: while a
// resize is in progress two arrays exist and every operation moves a few
// buckets, so no call pauses for time proportional to the table's size.
//
// Scan uses Redis's reverse-binary cursor, so a full iteration returns every
// key present for its whole duration at least once, across resizes.
//
// Invariants: every entry is in exactly one array; during a rehash, buckets
// below rehash_idx_ of the old array are empty. Not thread-safe: the owning
// shard (or a transaction holding it) is the only user.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/bucket_scan.h"
#include "core/entry.h"

namespace yotta {

class KeyTable {
 public:
  KeyTable() = default;
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;
  ~KeyTable();
  // Exchanges contents (FLUSHDB ASYNC hands the old table to a thread).
  void Swap(KeyTable& o) {
    std::swap(t0_, o.t0_);
    std::swap(t1_, o.t1_);
    std::swap(size0_, o.size0_);
    std::swap(size1_, o.size1_);
    std::swap(rehash_idx_, o.rehash_idx_);
    std::swap(size_, o.size_);
  }

  size_t size() const { return size_; }

  // The slot that points at the entry for `key`, or nullptr. `hash` is
  // Hash64(key). The slot is valid until the next mutating call.
  Entry** FindLink(std::string_view key, uint64_t hash);
  Entry* Find(std::string_view key, uint64_t hash) {
    Entry** l = FindLink(key, hash);
    return l ? *l : nullptr;
  }

  // REQUIRES: no entry with e's key is present.
  void Insert(Entry* e, uint64_t hash);
  // Removes the entry at `link` (from FindLink) and returns it, unfreed.
  // Never resizes; call MaybeShrink() after a batch of removals.
  Entry* Unlink(Entry** link) {
    Entry* e = *link;
    *link = e->next();
    e->set_next(nullptr);
    --size_;
    return e;
  }
  // Starts a shrink when the table is sparse (below 1/8 full).
  void MaybeShrink();
  // Puts `e` in place of the entry at `link`; e must carry the same key. Used
  // when an entry was reallocated.
  static void Replace(Entry** link, Entry* e) {
    e->set_next((*link)->next());
    *link = e;
  }

  // Moves up to `n` buckets of an ongoing resize. Returns true iff a rehash
  // is still in progress.
  bool RehashStep(int n);

  // Calls fn(Entry*) for the entries of the bucket(s) at `cursor` and returns
  // the next cursor (0 when done). fn must not mutate the table.
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& fn);

  // A uniformly chosen bucket's random entry, or nullptr when empty.
  Entry* Random(uint64_t rnd);

  // Calls fn(Entry*) for every entry. fn must not mutate the table.
  template <class F>
  void ForEach(F&& fn) const;

  // Removes every entry, calling free_fn(Entry*) on each. O(size).
  template <class F>
  void Clear(F&& free_fn);

  // Bytes used by the bucket arrays.
  size_t BucketBytes() const { return (size0_ + size1_) * sizeof(Entry*); }
  bool rehashing() const { return t1_ != nullptr; }

  // Visits up to `max_buckets` buckets starting at *cursor (a plain index
  // over the main array, wrapping to 0), calling fn(Entry** link) for each
  // entry; fn may unlink the entry through `Unlink`. Used by active expiry.
  template <class F>
  void Sweep(uint64_t* cursor, int max_buckets, F&& fn);

 private:
  void MaybeResize();
  void StartResize(size_t new_size);

  Entry** t0_ = nullptr;
  Entry** t1_ = nullptr;  // non-null while rehashing into it
  size_t size0_ = 0, size1_ = 0;
  size_t rehash_idx_ = 0;
  size_t size_ = 0;
};

template <class F>
uint64_t KeyTable::Scan(uint64_t v, F&& fn) {
  if (size_ == 0) return 0;
  return ScanBuckets(v, t0_, size0_, t1_, size1_, [&](Entry* e) {
    for (; e; e = e->next()) fn(e);
  });
}

template <class F>
void KeyTable::ForEach(F&& fn) const {
  for (size_t i = 0; i < size0_; ++i) {
    for (Entry* e = t0_[i]; e; e = e->next()) fn(e);
  }
  for (size_t i = 0; i < size1_; ++i) {
    for (Entry* e = t1_[i]; e; e = e->next()) fn(e);
  }
}

template <class F>
void KeyTable::Clear(F&& free_fn) {
  for (Entry** t : {t0_, t1_}) {
    size_t n = t == t0_ ? size0_ : size1_;
    for (size_t i = 0; t && i < n; ++i) {
      Entry* e = t[i];
      while (e) {
        Entry* next = e->next();
        free_fn(e);
        e = next;
      }
    }
  }
  std::free(t0_);
  std::free(t1_);
  t0_ = t1_ = nullptr;
  size0_ = size1_ = 0;
  rehash_idx_ = 0;
  size_ = 0;
}

template <class F>
void KeyTable::Sweep(uint64_t* cursor, int max_buckets, F&& fn) {
  if (size_ == 0) return;
  if (t1_) RehashStep(max_buckets);  // sweep the main array only when stable
  if (t1_) return;
  for (int i = 0; i < max_buckets && size_ > 0; ++i) {
    size_t b = (*cursor)++ & (size0_ - 1);
    Entry** link = &t0_[b];
    while (*link) {
      Entry* before = *link;
      fn(link);
      if (*link == before) link = before->next_link();
    }
  }
}

}  // namespace yotta
