// YottaStore. Licensed under the Apache License 2.0.
// QuickList (see quicklist.h): node management, the 7.2 encoding
// conversions and the DUMP payload.
#include "core/quicklist.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

#include "base/varint.h"

namespace yotta {
namespace {

// Bytes per node for fill -1..-5 (Redis's optimization_level).
constexpr size_t kSizeLevels[] = {4096, 8192, 16384, 32768, 65536};
// A count-limited node still stays under this many bytes.
constexpr size_t kSizeSafetyLimit = 8192;
// Redis's estimate of an entry's encoding overhead when deciding whether a
// push still fits its node.
constexpr size_t kEntryOverhead = 8;
constexpr int kMinFill = -5;
constexpr size_t kEmptyListpack = 8;  // header of an empty listpack
constexpr int kMaxFill = 32767;

int ClampFill(int fill) { return std::clamp(fill, kMinFill, kMaxFill); }



}  // namespace

void QuickListNodeLimit(int fill, size_t* size_limit, size_t* count_limit) {
  *size_limit = SIZE_MAX;
  *count_limit = SIZE_MAX;
  if (fill >= 0) {
    *count_limit = fill == 0 ? 1 : static_cast<size_t>(fill);
  } else {
    size_t level = std::min<size_t>(static_cast<size_t>(-static_cast<int64_t>(fill)) - 1, 4);
    *size_limit = kSizeLevels[level];
  }
}

bool QuickListExceedsLimit(int fill, size_t new_bytes, size_t new_count) {
  size_t size_limit, count_limit;
  QuickListNodeLimit(fill, &size_limit, &count_limit);
  if (size_limit != SIZE_MAX) return new_bytes > size_limit;
  return new_bytes > kSizeSafetyLimit || new_count > count_limit;
}

QuickList::QuickList() : bytes_(sizeof(QuickList)) {}

QuickList::~QuickList() {
  for (Node* n = head_; n;) {
    Node* next = n->next;
    lp::Free(n->lp);
    delete n;
    n = next;
  }
}

QuickList* QuickList::Clone() const {
  auto* c = new QuickList();
  c->fill_ = fill_;
  c->packed_ = packed_;
  c->count_ = count_;
  for (Node* n = head_; n; n = n->next) c->LinkAfter(c->tail_, c->NewNode(lp::Clone(n->lp)));
  return c;
}

QuickList::Node* QuickList::NewNode(uint8_t* lp) {
  auto* n = new Node{nullptr, nullptr, lp};
  bytes_ += NodeCost(n);
  ++nodes_;
  return n;
}

void QuickList::LinkAfter(Node* at, Node* n) {
  n->prev = at;
  n->next = at ? at->next : head_;
  if (n->next) {
    n->next->prev = n;
  } else {
    tail_ = n;
  }
  if (at) {
    at->next = n;
  } else {
    head_ = n;
  }
}

void QuickList::Unlink(Node* n) {
  (n->prev ? n->prev->next : head_) = n->next;
  (n->next ? n->next->prev : tail_) = n->prev;
  bytes_ -= NodeCost(n);
  --nodes_;
  lp::Free(n->lp);
  delete n;
}

template <class F>
void QuickList::Edit(Node* n, F&& fn) {
  size_t before = lp::Bytes(n->lp);
  n->lp = fn(n->lp);
  bytes_ = bytes_ - before + lp::Bytes(n->lp);
}

bool QuickList::AllowInsert(const Node* n, size_t sz) const {
  if (!n) return false;
  size_t size_limit, count_limit;
  QuickListNodeLimit(fill_, &size_limit, &count_limit);
  if (sz > size_limit) return false;  // a large element gets a node of its own
  return !QuickListExceedsLimit(fill_, lp::Bytes(n->lp) + sz + kEntryOverhead,
                                lp::Count(n->lp) + 1);
}

bool QuickList::NodeTooBig(const Node* n) const {
  return QuickListExceedsLimit(fill_, lp::Bytes(n->lp), lp::Count(n->lp));
}

void QuickList::GrowCheck(int fill, size_t add_bytes, size_t add_count) {
  if (!packed_) return;
  size_t cur = head_ ? lp::Bytes(head_->lp) : kEmptyListpack;
  if (!QuickListExceedsLimit(fill, cur + add_bytes, count_ + add_count)) return;
  packed_ = false;
  fill_ = static_cast<int16_t>(ClampFill(fill));
}

void QuickList::ShrinkCheck(int fill, bool shrinking) {
  if (packed_ || nodes_ != 1) return;
  size_t size_limit, count_limit;
  QuickListNodeLimit(fill, &size_limit, &count_limit);
  if (shrinking) {
    size_limit /= 2;
    count_limit /= 2;
  }
  if (lp::Bytes(head_->lp) > size_limit || count_ > count_limit) return;
  packed_ = true;
}

void QuickList::Push(bool front, std::string_view s) {
  Node* n = front ? head_ : tail_;
  if (packed_ ? n == nullptr : !AllowInsert(n, s.size())) {
    Node* fresh = NewNode(lp::New());
    LinkAfter(front ? nullptr : tail_, fresh);
    n = fresh;
  }
  Edit(n, [&](uint8_t* l) { return front ? lp::Prepend(l, s) : lp::Append(l, s); });
  ++count_;
}

void QuickList::Pop(bool front) {
  Node* n = front ? head_ : tail_;
  lp::Pos p = front ? lp::First(n->lp) : lp::Last(n->lp);
  Edit(n, [&](uint8_t* l) { return lp::Delete(l, p, 1); });
  --count_;
  if (lp::Count(n->lp) == 0) Unlink(n);
}

QuickList::Iter QuickList::At(int64_t index) const {
  int64_t count = static_cast<int64_t>(count_);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return {};
  if (index < count / 2) {
    Node* n = head_;
    while (index >= lp::Count(n->lp)) {
      index -= lp::Count(n->lp);
      n = n->next;
    }
    return {n, lp::Seek(n->lp, index)};
  }
  int64_t r = count - 1 - index;  // 0 = the last element
  Node* n = tail_;
  while (r >= lp::Count(n->lp)) {
    r -= lp::Count(n->lp);
    n = n->prev;
  }
  return {n, lp::Seek(n->lp, -(r + 1))};
}

void QuickList::Next(Iter* it) const {
  lp::Pos p = lp::Next(it->node->lp, it->pos);
  if (p != lp::End(it->node->lp)) {
    it->pos = p;
    return;
  }
  it->node = it->node->next;
  if (it->node) it->pos = lp::First(it->node->lp);
}

void QuickList::Prev(Iter* it) const {
  if (lp::HasPrev(it->node->lp, it->pos)) {
    it->pos = lp::Prev(it->node->lp, it->pos);
    return;
  }
  it->node = it->node->prev;
  if (it->node) it->pos = lp::Last(it->node->lp);
}

QuickList::Node* QuickList::SplitAt(Node* n, lp::Pos pos) {
  uint8_t* right = lp::New();
  for (lp::Pos p = pos; p != lp::End(n->lp); p = lp::Next(n->lp, p)) {
    right = lp::Append(right, lp::Get(n->lp, p));
  }
  Edit(n, [&](uint8_t* l) { return lp::Delete(l, pos, UINT32_MAX); });
  Node* r = NewNode(right);
  LinkAfter(n, r);
  return r;
}

void QuickList::Replace(Iter it, std::string_view s) {
  Node* n = it.node;
  Edit(n, [&](uint8_t* l) { return lp::Replace(l, it.pos, s); });
  if (packed_ || lp::Count(n->lp) == 1 || !NodeTooBig(n)) return;
  // The node outgrew its limit: give the new element a node of its own.
  lp::Pos next = lp::Next(n->lp, it.pos);
  if (next != lp::End(n->lp)) SplitAt(n, next);
  if (it.pos != lp::First(n->lp)) SplitAt(n, it.pos);
}

void QuickList::Insert(Iter it, std::string_view s, bool after) {
  Node* n = it.node;
  ++count_;
  auto append = [&](Node* m) { Edit(m, [&](uint8_t* l) { return lp::Append(l, s); }); };
  auto prepend = [&](Node* m) { Edit(m, [&](uint8_t* l) { return lp::Prepend(l, s); }); };
  auto alone = [&](Node* prev) { LinkAfter(prev, NewNode(lp::Append(lp::New(), s))); };
  if (packed_ || AllowInsert(n, s.size())) {
    lp::Pos p = after ? lp::Next(n->lp, it.pos) : it.pos;
    Edit(n, [&](uint8_t* l) { return lp::Insert(l, p, s); });
    return;
  }
  // The node is full: use a neighbour at a node edge, else split the node.
  bool at_tail = lp::Next(n->lp, it.pos) == lp::End(n->lp);
  bool at_head = it.pos == lp::First(n->lp);
  if (after && at_tail) {
    AllowInsert(n->next, s.size()) ? prepend(n->next) : alone(n);
  } else if (!after && at_head) {
    AllowInsert(n->prev, s.size()) ? append(n->prev) : alone(n->prev);
  } else {
    Node* right = SplitAt(n, after ? lp::Next(n->lp, it.pos) : it.pos);
    if (AllowInsert(n, s.size())) {
      append(n);
    } else if (AllowInsert(right, s.size())) {
      prepend(right);
    } else {
      alone(n);
    }
  }
}

QuickList::Iter QuickList::Erase(Iter it, bool forward) {
  Node* n = it.node;
  Edit(n, [&](uint8_t* l) { return lp::Delete(l, it.pos, 1); });
  --count_;
  if (lp::Count(n->lp) == 0) {
    Node* nb = forward ? n->next : n->prev;
    Unlink(n);
    if (!nb) return {};
    return {nb, forward ? lp::First(nb->lp) : lp::Last(nb->lp)};
  }
  if (forward) {
    if (it.pos != lp::End(n->lp)) return {n, it.pos};
    n = n->next;
    return n ? Iter{n, lp::First(n->lp)} : Iter{};
  }
  if (lp::HasPrev(n->lp, it.pos)) return {n, lp::Prev(n->lp, it.pos)};
  n = n->prev;
  return n ? Iter{n, lp::Last(n->lp)} : Iter{};
}

void QuickList::DeleteRange(int64_t start, int64_t n) {
  int64_t count = static_cast<int64_t>(count_);
  if (start < 0) start = std::max<int64_t>(start + count, 0);
  if (start >= count || n <= 0) return;
  n = std::min(n, count - start);
  // Find the first node touched, walking from the nearer end.
  Node* node;
  int64_t off;
  if (start < count / 2) {
    node = head_;
    off = start;
    while (off >= lp::Count(node->lp)) {
      off -= lp::Count(node->lp);
      node = node->next;
    }
  } else {
    int64_t r = count - 1 - start;
    node = tail_;
    while (r >= lp::Count(node->lp)) {
      r -= lp::Count(node->lp);
      node = node->prev;
    }
    off = lp::Count(node->lp) - 1 - r;
  }
  while (n > 0) {
    Node* next = node->next;
    int64_t c = lp::Count(node->lp);
    int64_t take = std::min(n, c - off);
    if (off == 0 && take == c) {
      Unlink(node);
    } else {
      Edit(node, [&](uint8_t* l) {
        return lp::Delete(l, lp::Seek(l, off), static_cast<uint32_t>(take));
      });
    }
    count_ -= take;
    n -= take;
    off = 0;
    node = next;
  }
}

void QuickList::Serialize(std::string* out) const {
  out->push_back(packed_ ? 1 : 0);
  PutVarint(out, static_cast<uint64_t>(fill_ - kMinFill));
  PutVarint(out, nodes_);
  for (Node* n = head_; n; n = n->next) {
    std::string_view raw = lp::Raw(n->lp);
    PutVarint(out, raw.size());
    out->append(raw);
  }
}

QuickList* QuickList::Parse(std::string_view in) {
  if (in.empty()) return nullptr;
  auto packed = static_cast<unsigned char>(in.front());
  in.remove_prefix(1);
  uint64_t fill, nodes;
  if (packed > 1 || !GetVarint(&in, &fill) || fill > static_cast<uint64_t>(kMaxFill - kMinFill) ||
      !GetVarint(&in, &nodes) || nodes == 0 || (packed && nodes != 1) || nodes > in.size()) {
    return nullptr;
  }
  auto ql = std::make_unique<QuickList>();
  ql->packed_ = packed == 1;
  ql->fill_ = static_cast<int16_t>(static_cast<int>(fill) + kMinFill);
  for (uint64_t i = 0; i < nodes; ++i) {
    uint64_t len;
    if (!GetVarint(&in, &len) || len > in.size()) return nullptr;
    uint8_t* l = lp::FromRaw(in.substr(0, len));
    if (!l) return nullptr;
    in.remove_prefix(len);
    ql->LinkAfter(ql->tail_, ql->NewNode(l));
    if (lp::Count(l) == 0) return nullptr;  // empty nodes never exist
    ql->count_ += lp::Count(l);
  }
  if (!in.empty()) return nullptr;
  return ql.release();
}

bool QuickList::CheckInvariants() const {
  size_t count = 0, bytes = sizeof(QuickList), nodes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n; prev = n, n = n->next) {
    if (n->prev != prev || lp::Count(n->lp) == 0) return false;
    count += lp::Count(n->lp);
    bytes += NodeCost(n);
    ++nodes;
  }
  if (prev != tail_ || count != count_ || bytes != bytes_ || nodes != nodes_) return false;
  return !packed_ || nodes_ <= 1;
}

}  // namespace yotta
