// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/quicklist: random edits against a std::deque model
// under several fills, node limits, the 7.2 encoding conversions, and
// Parse rejecting truncated or corrupted payloads.
#include "core/quicklist.h"

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>

namespace yotta {
namespace {

using Model = std::deque<std::string>;

void ExpectEqual(const QuickList& q, const Model& m) {
  REQUIRE(q.CheckInvariants());
  REQUIRE(q.size() == m.size());
  size_t i = 0;
  for (auto it = q.Begin(); it.valid(); q.Next(&it)) CHECK(QuickList::Get(it) == m[i++]);
  CHECK(i == m.size());
  for (auto it = q.Last(); it.valid(); q.Prev(&it)) CHECK(QuickList::Get(it) == m[--i]);
  CHECK(i == 0);
}

std::string RandomValue(std::mt19937_64& rng) {
  static const size_t kSizes[] = {0, 1, 3, 10, 60, 200, 1000, 5000, 9000};
  size_t n = kSizes[rng() % 9];
  std::string s(n, 'a');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 3);
  return s;
}

void RandomOp(QuickList& q, Model& m, std::mt19937_64& rng, int fill) {
  int64_t size = static_cast<int64_t>(m.size());
  int64_t idx = size ? static_cast<int64_t>(rng() % size) : 0;
  switch (rng() % 9) {
    case 0:
    case 1: {
      std::string v = RandomValue(rng);
      bool front = rng() % 2;
      q.GrowCheck(fill, v.size(), 1);
      q.Push(front, v);
      front ? m.push_front(v) : m.push_back(v);
      break;
    }
    case 2:
      if (!size) break;
      if (rng() % 2) {
        CHECK(q.Front() == m.front());
        q.Pop(true);
        m.pop_front();
      } else {
        CHECK(q.Back() == m.back());
        q.Pop(false);
        m.pop_back();
      }
      q.ShrinkCheck(fill);
      break;
    case 3: {
      if (!size) break;
      std::string v = RandomValue(rng);
      q.GrowCheck(fill, v.size(), 1);
      bool after = rng() % 2;
      q.Insert(q.At(idx), v, after);
      m.insert(m.begin() + idx + (after ? 1 : 0), v);
      break;
    }
    case 4: {
      if (!size) break;
      std::string v = RandomValue(rng);
      q.GrowCheck(fill, v.size(), 1);
      q.Replace(q.At(idx - size), v);  // negative index form
      m[idx] = v;
      break;
    }
    case 5: {
      if (!size) break;
      bool forward = rng() % 2;
      auto it = q.Erase(q.At(idx), forward);
      m.erase(m.begin() + idx);
      int64_t want = forward ? idx : idx - 1;
      if (want >= 0 && want < static_cast<int64_t>(m.size())) {
        REQUIRE(it.valid());
        CHECK(QuickList::Get(it) == m[want]);
      } else {
        CHECK(!it.valid());
      }
      break;
    }
    case 6: {
      int64_t start = static_cast<int64_t>(rng() % (size + 3)) - 2;
      int64_t n = static_cast<int64_t>(rng() % 5);
      q.DeleteRange(start, n);
      int64_t s = start < 0 ? std::max<int64_t>(start + size, 0) : start;
      if (s < size) m.erase(m.begin() + s, m.begin() + std::min(size, s + n));
      q.ShrinkCheck(fill);
      break;
    }
    case 7:
      if (size) CHECK(QuickList::Get(q.At(idx)) == m[idx]);
      CHECK(!q.At(size).valid());
      CHECK(!q.At(-size - 1).valid());
      break;
    case 8: {
      std::string out;
      q.Serialize(&out);
      std::unique_ptr<QuickList> back(QuickList::Parse(out));
      if (m.empty()) {
        CHECK(back == nullptr);
      } else {
        REQUIRE(back != nullptr);
        ExpectEqual(*back, m);
        CHECK(back->packed() == q.packed());
      }
      break;
    }
  }
}

TEST_CASE("quicklist matches a deque model under random edits") {
  for (int fill : {-2, -1, -5, 1, 2, 5, 128}) {
    std::mt19937_64 rng(static_cast<uint64_t>(fill + 100));
    QuickList q;
    Model m;
    for (int i = 0; i < 3000; ++i) {
      RandomOp(q, m, rng, fill);
      if (i % 97 == 0) ExpectEqual(q, m);
    }
    ExpectEqual(q, m);
    std::unique_ptr<QuickList> c(q.Clone());
    ExpectEqual(*c, m);
    CHECK(c->bytes() == q.bytes());
  }
}

TEST_CASE("node limits by bytes and by count") {
  QuickList q;
  q.GrowCheck(-2, 0, 1);
  CHECK(q.packed());
  for (int i = 0; i < 2000; ++i) {
    q.GrowCheck(-2, 10, 1);
    q.Push(false, std::string(10, 'x'));
  }
  CHECK(!q.packed());
  CHECK(q.node_count() > 1);
  CHECK(q.CheckInvariants());

  QuickList c;
  for (int i = 0; i < 10; ++i) {
    c.GrowCheck(3, 1, 1);
    c.Push(true, "v");
  }
  CHECK(!c.packed());
  CHECK(c.node_count() == 4);  // 3+3+3+1
}

TEST_CASE("7.2 conversions: to quicklist past the limit, back under half") {
  QuickList q;
  for (int i = 0; i < 5; ++i) {
    q.GrowCheck(4, 1, 1);
    q.Push(false, "x");
  }
  CHECK(!q.packed());  // 5 > 4
  CHECK(q.node_count() == 2);
  q.Pop(false);
  q.Pop(false);
  q.ShrinkCheck(4);
  CHECK(!q.packed());  // 3 left: above half (2)
  q.Pop(false);
  q.ShrinkCheck(4);
  CHECK(q.packed());
  CHECK(q.size() == 2);

  QuickList big;
  big.GrowCheck(-2, 9000, 1);
  big.Push(false, std::string(9000, 'b'));
  CHECK(!big.packed());
  big.Replace(big.At(0), "small");
  big.ShrinkCheck(-2);
  CHECK(big.packed());
}

TEST_CASE("Parse rejects truncated and corrupted payloads") {
  QuickList q;
  for (int i = 0; i < 50; ++i) {
    q.GrowCheck(2, 4, 1);
    q.Push(false, "e" + std::to_string(i));
  }
  std::string good;
  q.Serialize(&good);
  for (size_t n = 0; n < good.size(); ++n) {
    CHECK(QuickList::Parse(std::string_view(good).substr(0, n)) == nullptr);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = good;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    std::unique_ptr<QuickList> r(QuickList::Parse(bad));
    if (r) CHECK(r->CheckInvariants());  // a flip inside a value stays valid
  }
  std::string trailing = good + "x";
  CHECK(QuickList::Parse(trailing) == nullptr);
}

}  // namespace
}  // namespace yotta
