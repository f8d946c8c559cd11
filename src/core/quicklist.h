// YottaStore. Licensed under the Apache License 2.0.
// QuickList: the value of a Redis list, a doubly linked list of listpack
// nodes (core/listpack.h) with O(1) push/pop at both ends and O(nodes) index.
//
// Encodings, as Redis 7.2 reports them with OBJECT ENCODING:
//   "listpack"   packed(): exactly one node and no per-node limit; the
//                command layer calls GrowCheck before adding elements.
//   "quicklist"  any number of nodes, each kept under the node limit `fill`
//                (list-max-listpack-size: negative = bytes per node, -1..-5
//                = 4/8/16/32/64 KiB; positive = entries per node, also
//                capped at 8 KiB) that was in force when the list converted.
// GrowCheck/ShrinkCheck implement 7.2's conversions: a listpack that would
// pass the limit becomes a quicklist holding it as its first node; a
// quicklist of a single node under half the limit becomes a listpack again.
// No node compression (list-compress-depth is accepted and ignored).
//
// Memory: per element its listpack entry (length varint + bytes + back
// varint, 2 bytes of overhead for short values); per node 24 bytes plus an
// 8-byte listpack header; 40 bytes per list. bytes() is O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/listpack.h"

namespace yotta {

class QuickList {
 public:
  struct Node {
    Node* prev;
    Node* next;
    uint8_t* lp;
  };
  // An element's place: its node and its offset in that node's listpack.
  // Invalidated by any change to the list except through the functions
  // that take and return one.
  struct Iter {
    Node* node = nullptr;
    lp::Pos pos = 0;
    bool valid() const { return node != nullptr; }
  };

  QuickList();  // empty, packed
  ~QuickList();
  QuickList(const QuickList&) = delete;
  QuickList& operator=(const QuickList&) = delete;
  QuickList* Clone() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return nodes_; }
  bool packed() const { return packed_; }
  int fill() const { return fill_; }
  // Heap bytes held (object, nodes and listpacks), O(1).
  size_t bytes() const { return bytes_; }

  // Encoding conversions (list-max-listpack-size = fill). GrowCheck runs
  // before adding add_count elements of add_bytes bytes in all; ShrinkCheck
  // after removing (halved limits when `shrinking`, as 7.2 avoids flapping).
  void GrowCheck(int fill, size_t add_bytes, size_t add_count);
  void ShrinkCheck(int fill, bool shrinking = true);

  void Push(bool front, std::string_view s);
  // REQUIRES: !empty().
  std::string_view Front() const { return lp::Get(head_->lp, lp::First(head_->lp)); }
  std::string_view Back() const { return lp::Get(tail_->lp, lp::Last(tail_->lp)); }
  void Pop(bool front);

  // Iteration. Begin/Last are invalid iterators on an empty list; Next/Prev
  // make `it` invalid past the ends.
  Iter Begin() const { return head_ ? Iter{head_, lp::First(head_->lp)} : Iter{}; }
  Iter Last() const { return tail_ ? Iter{tail_, lp::Last(tail_->lp)} : Iter{}; }
  // The element at `index` (negative counts from the end); invalid if out
  // of range. Walks from the nearer end: O(1) at either end.
  Iter At(int64_t index) const;
  void Next(Iter* it) const;
  void Prev(Iter* it) const;
  static std::string_view Get(Iter it) { return lp::Get(it.node->lp, it.pos); }

  // Replaces the element at `it` (LSET). Invalidates iterators.
  void Replace(Iter it, std::string_view s);
  // Inserts s before (after = false) or after the element at `it` (LINSERT).
  void Insert(Iter it, std::string_view s, bool after);
  // Deletes the element at `it`; returns the element that follows in the
  // walking direction (forward = towards the tail), invalid if none.
  Iter Erase(Iter it, bool forward);
  // Deletes `n` elements from `start` (negative counts from the end);
  // clamps to the list.
  void DeleteRange(int64_t start, int64_t n);

  // DUMP payload: [packed 1 byte][fill varint][node count varint]
  // ([raw length varint][listpack raw bytes])*. Parse validates every byte
  // and returns nullptr on any malformed input (or an empty list).
  void Serialize(std::string* out) const;
  static QuickList* Parse(std::string_view in);

  // Every count, byte total and link agrees (unit tests).
  bool CheckInvariants() const;

 private:
  static size_t NodeCost(const Node* n) { return sizeof(Node) + lp::Bytes(n->lp); }
  bool AllowInsert(const Node* n, size_t sz) const;
  bool NodeTooBig(const Node* n) const;
  Node* NewNode(uint8_t* lp);
  void LinkAfter(Node* at, Node* n);  // at == nullptr: new head
  void Unlink(Node* n);
  // Runs fn(lp) -> new lp on node n, keeping bytes_ right.
  template <class F>
  void Edit(Node* n, F&& fn);
  // Moves the entries from `pos` on into a new node after n; returns it.
  Node* SplitAt(Node* n, lp::Pos pos);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  size_t bytes_;
  uint32_t nodes_ = 0;
  int16_t fill_ = -2;
  bool packed_ = true;
};

// Redis's node limits for a fill value (quicklistNodeLimit and
// quicklistNodeExceedsLimit).
void QuickListNodeLimit(int fill, size_t* size_limit, size_t* count_limit);
bool QuickListExceedsLimit(int fill, size_t new_bytes, size_t new_count);

}  // namespace yotta
