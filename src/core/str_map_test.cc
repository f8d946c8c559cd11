// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/str_map: set/get/erase across growth, shrink and
// incremental rehash; Scan's reverse-binary guarantee; Random's spread.
#include "core/str_map.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

namespace yotta {
namespace {

std::string K(int i) { return "member:" + std::to_string(i); }

TEST_CASE("StrMap set, overwrite, find and erase with values") {
  StrMap m(true);
  for (int i = 0; i < 5000; ++i) CHECK(m.Set(K(i), "v" + std::to_string(i)));
  CHECK(m.size() == 5000);
  CHECK_FALSE(m.Set(K(7), "a much longer value than before"));
  CHECK(m.Value(m.Find(K(7))) == "a much longer value than before");
  CHECK_FALSE(m.Add(K(8), "x"));
  CHECK(m.Value(m.Find(K(8))) == "v8");
  for (int i = 0; i < 5000; i += 2) CHECK(m.Erase(K(i)));
  CHECK_FALSE(m.Erase(K(0)));
  CHECK(m.size() == 2500);
  for (int i = 0; i < 5000; ++i) CHECK((m.Find(K(i)) != nullptr) == (i % 2 == 1));
  CHECK(m.Value(m.Find(K(9))) == "v9");
  for (int i = 1; i < 5000; i += 2) CHECK(m.Erase(K(i)));
  CHECK(m.size() == 0);
  CHECK(m.Find(K(1)) == nullptr);
}

TEST_CASE("StrMap without values; empty keys; clone") {
  StrMap m(false);
  CHECK(m.Add(""));
  CHECK(m.Add("a"));
  CHECK_FALSE(m.Add("a"));
  CHECK(m.Value(m.Find("a")).empty());
  CHECK(StrMap::Key(m.Find("")).empty());
  std::string big(300, 'x');  // multi-byte varint length
  CHECK(m.Add(big));
  CHECK(StrMap::Key(m.Find(big)) == big);
  StrMap* c = m.Clone();
  CHECK(c->size() == 3);
  CHECK(c->Contains(big));
  delete c;
}

TEST_CASE("StrMap bytes tracks nodes and buckets") {
  StrMap m(false);
  size_t empty = m.bytes();
  for (int i = 0; i < 1000; ++i) m.Add(K(i));
  CHECK(m.bytes() > empty + 1000 * 16);
  CHECK(m.bytes() < empty + 1000 * 64);
  size_t full = m.bytes();
  for (int i = 0; i < 1000; ++i) m.Erase(K(i));
  CHECK(m.bytes() < full / 4);  // nodes freed, buckets shrunk
}

TEST_CASE("StrMap scan returns every stable element across resizes") {
  StrMap m(false);
  for (int i = 0; i < 1000; ++i) m.Add(K(i));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = m.Scan(cursor, [&](const StrMap::Node* n) { seen.insert(std::string(StrMap::Key(n))); });
    // Grow and shrink while scanning: elements 0..999 stay throughout.
    if (step == 5) for (int i = 1000; i < 5000; ++i) m.Add(K(i));
    if (step == 40) for (int i = 1000; i < 5000; ++i) m.Erase(K(i));
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 1000; ++i) CHECK(seen.count(K(i)) == 1);
}

TEST_CASE("StrMap random is roughly uniform") {
  StrMap m(false);
  const int n = 50;
  for (int i = 0; i < n; ++i) m.Add(K(i));
  std::map<std::string, int> hist;
  uint64_t rng = 12345;
  const int draws = 50000;
  for (int i = 0; i < draws; ++i) ++hist[std::string(StrMap::Key(m.Random(&rng)))];
  CHECK(hist.size() == n);
  double expected = static_cast<double>(draws) / n, chi2 = 0;
  for (auto& [k, c] : hist) chi2 += (c - expected) * (c - expected) / expected;
  // 49 degrees of freedom: p=0.001 critical value is ~85.
  CHECK(chi2 < 85);
}

}  // namespace
}  // namespace yotta
