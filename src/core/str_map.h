// YottaStore. Licensed under the Apache License 2.0.
// StrMap: the compact hash table behind big hashes (field -> value) and big
// sets (members only), Redis's "hashtable" encoding.
//
// One allocation per element, nothing else per element:
//   node = [next 8][key_len varint][key][val_len varint, iff values][value]
// (the value length after the key keeps Key() independent of the map kind).
// plus one 8-byte bucket slot per element at load <= 1. A 13-byte set member
// costs 22 B (jemalloc's 24-byte class) + ~8-16 B of bucket; Redis pays a
// 24-byte dictEntry + an sds per string + the bucket.
//
// Power-of-two bucket arrays, grown at load 1 and shrunk below 1/8, with
// incremental rehashing as key_table.h: every mutation moves a few buckets,
// so no call costs time proportional to the size. Scan uses the
// reverse-binary cursor (every element present for a whole scan is returned
// at least once, across resizes). Random picks uniformly (rejection sampling
// on chain length). Not thread-safe: owned by one shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "core/bucket_scan.h"

namespace yotta {

class StrMap {
 public:
  using Node = char;  // opaque; see the layout above

  explicit StrMap(bool with_values) : with_values_(with_values) {}
  ~StrMap();
  StrMap(const StrMap&) = delete;
  StrMap& operator=(const StrMap&) = delete;
  StrMap* Clone() const;

  size_t size() const { return size_; }
  bool with_values() const { return with_values_; }
  // Heap bytes: nodes, bucket arrays and this object. O(1).
  size_t bytes() const { return bytes_ + sizeof(StrMap) + (size0_ + size1_) * sizeof(Node*); }

  static std::string_view Key(const Node* n);
  // Empty for a set's nodes.
  std::string_view Value(const Node* n) const;

  // Lookups never move buckets (only mutations do), so they are safe while
  // iterating the same map (SINTER k k).
  const Node* Find(std::string_view key) const;
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  // Inserts or overwrites; true iff the key was new.
  bool Set(std::string_view key, std::string_view value = {});
  // Inserts only if absent; true iff inserted.
  bool Add(std::string_view key, std::string_view value = {}) {
    if (Find(key)) return false;
    Insert(key, value);
    return true;
  }
  bool Erase(std::string_view key);
  // Pre-sizes the bucket array for n elements (bulk builds).
  void Reserve(size_t n);

  // A uniformly random element; nullptr when empty. *rng is NextRandom's state.
  const Node* Random(uint64_t* rng) const;

  // Calls fn(const Node*) for the bucket(s) at `cursor`; returns the next
  // cursor, 0 when done. fn must not mutate the map.
  template <class F>
  uint64_t Scan(uint64_t cursor, F&& fn) const;
  template <class F>
  void ForEach(F&& fn) const {
    ForEachWhile([&](const Node* n) {
      fn(n);
      return true;
    });
  }
  // As ForEach until fn returns false; returns false iff it stopped early.
  template <class F>
  bool ForEachWhile(F&& fn) const {
    for (int t = 0; t < 2; ++t) {
      Node** tab = t ? t1_ : t0_;
      size_t n = t ? size1_ : size0_;
      for (size_t i = 0; tab && i < n; ++i)
        for (Node* e = tab[i]; e; e = Next(e))
          if (!fn(static_cast<const Node*>(e))) return false;
    }
    return true;
  }

  // splitmix64: every output bit is well mixed, so low bits of successive
  // outputs are independent (xorshift's are not, which skews sampling).
  static uint64_t NextRandom(uint64_t* s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  static Node* Next(const Node* n) {
    Node* p;
    std::memcpy(&p, n, sizeof(p));
    return p;
  }
  static void SetNext(Node* n, Node* next) { std::memcpy(n, &next, sizeof(next)); }
  Node* NewNode(std::string_view key, std::string_view value);
  void FreeNode(Node* n);
  void Insert(std::string_view key, std::string_view value);
  Node** FindLink(std::string_view key);
  void MaybeGrow();
  void MaybeShrink();
  void StartResize(size_t n);
  void RehashStep(int n);

  Node** t0_ = nullptr;
  Node** t1_ = nullptr;  // non-null while rehashing into it
  size_t size0_ = 0, size1_ = 0;
  size_t rehash_idx_ = 0;
  size_t size_ = 0;
  size_t bytes_ = 0;  // usable bytes of all nodes
  bool with_values_;
};

template <class F>
uint64_t StrMap::Scan(uint64_t v, F&& fn) const {
  if (size_ == 0) return 0;
  return ScanBuckets(v, t0_, size0_, t1_, size1_, [&](Node* e) {
    for (; e; e = Next(e)) fn(static_cast<const Node*>(e));
  });
}

}  // namespace yotta
