// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/zset and core/zset_skiplist: both encodings agree with
// a reference std::map on order, ranks and counts under random edits; the
// member table's SCAN returns every member across resizes; serialization
// round-trips and rejects malformed input.
#include "core/zset.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace yotta {
namespace {

using Ref = std::map<std::string, double>;

std::vector<std::pair<std::string, double>> Ordered(const Ref& ref) {
  std::vector<std::pair<std::string, double>> v(ref.begin(), ref.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return v;
}

void CheckAgainst(const ZSet& z, const Ref& ref) {
  auto want = Ordered(ref);
  REQUIRE(z.size() == want.size());
  std::vector<std::pair<std::string, double>> got;
  z.Walk(0, z.size(), false, [&](std::string_view m, double s) { got.emplace_back(m, s); });
  CHECK(got == want);
  std::vector<std::pair<std::string, double>> rev;
  z.Walk(0, z.size(), true, [&](std::string_view m, double s) { rev.emplace_back(m, s); });
  std::reverse(rev.begin(), rev.end());
  CHECK(rev == want);
  for (size_t i = 0; i < want.size(); i += 7) {
    CHECK(z.Rank(want[i].first) == i);
    CHECK(z.At(i).first == want[i].first);
    CHECK(z.Score(want[i].first) == want[i].second);
    size_t below = z.CountBefore([&](double s, std::string_view) { return s < want[i].second; });
    size_t expect = 0;
    while (expect < want.size() && want[expect].second < want[i].second) ++expect;
    CHECK(below == expect);
  }
}

void RandomEdits(ZSet* z, int n, int ops, uint32_t seed) {
  std::mt19937 rng(seed);
  Ref ref;
  for (int i = 0; i < ops; ++i) {
    std::string m = "m" + std::to_string(rng() % n);
    if (rng() % 4 == 0) {
      CHECK(z->Erase(m) == (ref.erase(m) == 1));
    } else {
      double s = static_cast<double>(rng() % 50);
      CHECK(z->Set(m, s) == !ref.count(m));
      ref[m] = s;
    }
  }
  CheckAgainst(*z, ref);
}

TEST_SUITE("zset") {
  TEST_CASE("listpack encoding matches a reference under random edits") {
    ZSet z;
    RandomEdits(&z, 60, 400, 1);
    CHECK(z.is_listpack());
  }

  TEST_CASE("skiplist encoding matches a reference under random edits") {
    ZSet z(true);
    RandomEdits(&z, 3000, 20000, 2);
    CHECK(!z.is_listpack());
  }

  TEST_CASE("conversion keeps every element") {
    ZSet z;
    Ref ref;
    for (int i = 0; i < 100; ++i) {
      z.Set("k" + std::to_string(i), i % 10);
      ref["k" + std::to_string(i)] = i % 10;
    }
    z.ToSkiplist();
    CHECK(!z.is_listpack());
    CheckAgainst(z, ref);
  }

  TEST_CASE("scan returns every member across growth and shrink") {
    ZSet z(true);
    for (int i = 0; i < 5000; ++i) z.Set("s" + std::to_string(i), i);
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int step = 0;
    do {
      cursor = z.Scan(cursor, [&](std::string_view m, double) { seen.emplace(m); });
      // Mutate while scanning: grow, then shrink (members outside the
      // original set), forcing rehashes mid-iteration.
      if (step < 300) z.Set("extra" + std::to_string(step), -1);
      if (step >= 300 && step < 600) z.Erase("extra" + std::to_string(step - 300));
      ++step;
    } while (cursor != 0);
    for (int i = 0; i < 5000; ++i) CHECK(seen.count("s" + std::to_string(i)) == 1);
  }

  TEST_CASE("bytes grow and shrink with the content") {
    ZSet z(true);
    size_t empty = z.bytes();
    for (int i = 0; i < 1000; ++i) z.Set("member:" + std::to_string(i), i);
    CHECK(z.bytes() > empty + 1000 * 40);
    CHECK(z.bytes() < empty + 1000 * 120);
    size_t peak = z.bytes();
    for (int i = 0; i < 1000; ++i) z.Erase("member:" + std::to_string(i));
    CHECK(z.size() == 0);
    // Nodes are gone; the bucket array shrinks incrementally.
    CHECK(z.bytes() < peak / 4);
  }

  TEST_CASE("serialization round-trips and rejects malformed input") {
    for (bool big : {false, true}) {
      ZSet z(big);
      for (int i = 0; i < 50; ++i) z.Set("x" + std::to_string(i), i * 0.5);
      std::string out;
      z.Serialize(&out);
      ZSet* back = ZSet::Deserialize(out, 128, 64);
      REQUIRE(back != nullptr);
      CHECK(back->size() == 50);
      CHECK(back->Score("x7") == 3.5);
      delete back;
      for (size_t cut = 0; cut < out.size(); cut += 3) {
        CHECK(ZSet::Deserialize(std::string_view(out).substr(0, cut), 128, 64) == nullptr);
      }
      std::string dup;
      ZSet two;
      two.Set("a", 1);
      two.Set("b", 2);
      two.Serialize(&dup);
      dup[12] = 'a';  // second member "b" -> "a": a duplicate
      CHECK(ZSet::Deserialize(dup, 128, 64) == nullptr);
    }
  }
}

}  // namespace
}  // namespace yotta
