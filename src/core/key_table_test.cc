// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/key_table: growth, shrink and incremental rehash keep
// every key reachable; SCAN's reverse-binary cursor guarantee holds across
// resizes; Random and Sweep see only members.
#include "core/key_table.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/hash.h"

namespace yotta {
namespace {

std::string Key(int i) { return "key:" + std::to_string(i); }

// A KeyTable plus the byte counter its entries are charged to.
struct Table {
  KeyTable t;
  int64_t bytes = 0;

  ~Table() {
    t.Clear([&](Entry* e) { EntryAlloc::Free(e, &bytes); });
  }
  void Add(const std::string& k) {
    t.Insert(EntryAlloc::NewString(k, "v:" + k, 0, &bytes), Hash64(k));
  }
  bool Has(const std::string& k) {
    Entry* e = t.Find(k, Hash64(k));
    return e && e->key() == k && e->str() == "v:" + k;
  }
  bool Remove(const std::string& k) {
    Entry** link = t.FindLink(k, Hash64(k));
    if (!link) return false;
    EntryAlloc::Free(t.Unlink(link), &bytes);
    t.MaybeShrink();
    return true;
  }
  // One full SCAN iteration; `between` runs after every call.
  template <class F>
  std::multiset<std::string> ScanAll(F&& between) {
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
      cursor = t.Scan(cursor, [&](Entry* e) { seen.insert(std::string(e->key())); });
      between();
      REQUIRE(++calls < 1000000);
    } while (cursor != 0);
    return seen;
  }
  void FinishRehash() {
    while (t.RehashStep(100)) {
    }
  }
};

}  // namespace

TEST_SUITE("key_table") {
  TEST_CASE("an empty table finds nothing and scans nothing") {
    Table tb;
    CHECK(tb.t.size() == 0);
    CHECK_FALSE(tb.Has("x"));
    CHECK(tb.t.FindLink("x", Hash64("x")) == nullptr);
    CHECK(tb.t.Scan(0, [](Entry*) { FAIL("no entries expected"); }) == 0);
    CHECK(tb.t.Random(42) == nullptr);
    uint64_t cursor = 0;
    tb.t.Sweep(&cursor, 10, [](Entry**) { FAIL("no entries expected"); });
  }

  TEST_CASE("thousands of keys survive growth, deletion and shrink") {
    Table tb;
    constexpr int kN = 20000;
    for (int i = 0; i < kN; ++i) tb.Add(Key(i));
    CHECK(tb.t.size() == kN);
    for (int i = 0; i < kN; ++i) REQUIRE(tb.Has(Key(i)));
    CHECK_FALSE(tb.Has("missing"));
    tb.FinishRehash();
    size_t grown = tb.t.BucketBytes();
    CHECK(grown >= kN * sizeof(Entry*));  // load factor <= 1 after growth

    SUBCASE("deleting most keys shrinks the bucket array") {
      for (int i = 0; i < kN; ++i) {
        if (i % 100 != 0) REQUIRE(tb.Remove(Key(i)));
      }
      CHECK(tb.t.size() == kN / 100);
      tb.FinishRehash();
      tb.t.MaybeShrink();
      tb.FinishRehash();
      CHECK(tb.t.BucketBytes() < grown / 16);
      for (int i = 0; i < kN; ++i) REQUIRE(tb.Has(Key(i)) == (i % 100 == 0));
    }
    SUBCASE("deleting everything leaves an empty, reusable table") {
      for (int i = 0; i < kN; ++i) REQUIRE(tb.Remove(Key(i)));
      CHECK(tb.t.size() == 0);
      CHECK_FALSE(tb.Remove(Key(0)));
      tb.Add("again");
      CHECK(tb.Has("again"));
    }
  }

  TEST_CASE("incremental rehash never loses a key") {
    // Lookups advance the rehash, so the full check walks both arrays with
    // ForEach (which does not) and compares a checksum of the keys.
    Table tb;
    uint64_t expect_sum = 0;
    size_t expect_n = 0;
    auto intact = [&] {
      uint64_t sum = 0;
      size_t n = 0;
      tb.t.ForEach([&](Entry* e) {
        sum += Hash64(e->key());
        ++n;
      });
      return sum == expect_sum && n == expect_n && tb.t.size() == expect_n;
    };
    int rehash_checks = 0;
    for (int i = 0; i < 3000; ++i) {
      tb.Add(Key(i));
      expect_sum += Hash64(Key(i));
      ++expect_n;
      if (tb.t.rehashing()) {
        ++rehash_checks;
        REQUIRE(intact());
        REQUIRE(tb.Has(Key((i * 7919) % (i + 1))));
      }
    }
    CHECK(rehash_checks > 500);
    for (int i = 0; i < 3000; ++i) REQUIRE(tb.Has(Key(i)));
    // Shrink while checking as well.
    for (int i = 0; i < 2990; ++i) {
      REQUIRE(tb.Remove(Key(i)));
      expect_sum -= Hash64(Key(i));
      --expect_n;
      if (tb.t.rehashing()) {
        ++rehash_checks;
        REQUIRE(intact());
      }
    }
    CHECK(tb.t.size() == 10);
    for (int j = 2990; j < 3000; ++j) CHECK(tb.Has(Key(j)));
  }

  TEST_CASE("Replace swaps an entry in place keeping the chain") {
    Table tb;
    for (int i = 0; i < 64; ++i) tb.Add(Key(i));
    Entry** link = tb.t.FindLink(Key(5), Hash64(Key(5)));
    REQUIRE(link);
    Entry* fresh = EntryAlloc::NewString(Key(5), "v:" + Key(5), 0, &tb.bytes);
    Entry* old = *link;
    KeyTable::Replace(link, fresh);
    EntryAlloc::Free(old, &tb.bytes);
    CHECK(tb.t.Find(Key(5), Hash64(Key(5))) == fresh);
    for (int i = 0; i < 64; ++i) CHECK(tb.Has(Key(i)));
    CHECK(tb.t.size() == 64);
  }

  TEST_CASE("Scan returns every key present for the whole iteration") {
    Table tb;
    constexpr int kN = 1000;
    for (int i = 0; i < kN; ++i) tb.Add(Key(i));

    SUBCASE("on a stable table, each key exactly once") {
      tb.FinishRehash();
      auto seen = tb.ScanAll([] {});
      CHECK(seen.size() == kN);
      for (int i = 0; i < kN; ++i) CHECK(seen.count(Key(i)) == 1);
    }
    SUBCASE("while the table grows between calls") {
      tb.FinishRehash();
      int next = kN;
      size_t buckets_before = tb.t.BucketBytes();
      auto seen = tb.ScanAll([&] {
        for (int j = 0; j < 4 && next < 8 * kN; ++j) tb.Add(Key(next++));
      });
      tb.FinishRehash();
      CHECK(tb.t.BucketBytes() >= 4 * buckets_before);  // resizes happened mid-scan
      for (int i = 0; i < kN; ++i) REQUIRE(seen.count(Key(i)) >= 1);
      for (const std::string& k : seen) REQUIRE(tb.Has(k));
    }
    SUBCASE("while the table shrinks between calls") {
      tb.FinishRehash();
      // Keep every tenth key; delete the others as the scan runs.
      std::vector<std::string> doomed;
      for (int i = 0; i < kN; ++i) {
        if (i % 10) doomed.push_back(Key(i));
      }
      size_t before = tb.t.BucketBytes();
      auto seen = tb.ScanAll([&] {
        for (int j = 0; j < 8 && !doomed.empty(); ++j) {
          REQUIRE(tb.Remove(doomed.back()));
          doomed.pop_back();
        }
      });
      tb.FinishRehash();
      CHECK(tb.t.BucketBytes() < before);
      for (int i = 0; i < kN; i += 10) REQUIRE(seen.count(Key(i)) >= 1);
    }
    SUBCASE("started and continued while a growth rehash is in progress") {
      tb.FinishRehash();
      int next = kN;
      while (!tb.t.rehashing()) tb.Add(Key(next++));
      int grown_keys = next;
      REQUIRE(tb.t.rehashing());
      bool saw_rehash_midway = false;
      auto seen = tb.ScanAll([&] {
        saw_rehash_midway |= tb.t.rehashing();
        tb.Has(Key(0));  // lookups move the rehash forward one bucket
      });
      CHECK(saw_rehash_midway);
      for (int i = 0; i < grown_keys; ++i) REQUIRE(seen.count(Key(i)) >= 1);
    }
    SUBCASE("started and continued while a shrink rehash is in progress") {
      tb.FinishRehash();
      for (int i = 0; i < kN; ++i) {
        if (i % 20) REQUIRE(tb.Remove(Key(i)));
        if (tb.t.rehashing()) break;
      }
      REQUIRE(tb.t.rehashing());
      std::set<std::string> present;
      tb.t.ForEach([&](Entry* e) { present.insert(std::string(e->key())); });
      auto seen = tb.ScanAll([&] { tb.Has(Key(0)); });
      for (const std::string& k : present) REQUIRE(seen.count(k) >= 1);
    }
  }

  TEST_CASE("Random returns members and eventually most of them") {
    Table tb;
    constexpr int kN = 200;
    for (int i = 0; i < kN; ++i) tb.Add(Key(i));
    std::set<std::string> picked;
    uint64_t rnd = 0x1234567;
    for (int i = 0; i < 20000; ++i) {
      rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
      Entry* e = tb.t.Random(rnd);
      REQUIRE(e != nullptr);
      REQUIRE(tb.Has(std::string(e->key())));
      picked.insert(std::string(e->key()));
    }
    CHECK(picked.size() > kN * 9 / 10);

    SUBCASE("also while rehashing") {
      int next = kN;
      while (!tb.t.rehashing()) tb.Add(Key(next++));
      for (int i = 0; i < 1000; ++i) {
        Entry* e = tb.t.Random(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull);
        REQUIRE(e != nullptr);
        REQUIRE(tb.Has(std::string(e->key())));
      }
    }
    SUBCASE("a table with one key always returns it") {
      Table one;
      one.Add("only");
      for (uint64_t r = 0; r < 100; ++r) CHECK(one.t.Random(r * 977)->key() == "only");
    }
  }

  TEST_CASE("Sweep visits every entry and may unlink as it goes") {
    Table tb;
    constexpr int kN = 5000;
    for (int i = 0; i < kN; ++i) tb.Add(Key(i));

    SUBCASE("a full lap visits each key once") {
      tb.FinishRehash();
      std::map<std::string, int> visits;
      uint64_t cursor = 0;
      size_t buckets = tb.t.BucketBytes() / sizeof(Entry*);
      for (size_t done = 0; done < buckets; done += 64) {
        tb.t.Sweep(&cursor, 64, [&](Entry** link) { ++visits[std::string((*link)->key())]; });
      }
      CHECK(visits.size() == kN);
      for (auto& [k, n] : visits) REQUIRE(n == 1);
    }
    SUBCASE("unlinking through the link removes exactly those entries") {
      tb.FinishRehash();
      uint64_t cursor = 0;
      size_t buckets = tb.t.BucketBytes() / sizeof(Entry*);
      int removed = 0;
      for (size_t done = 0; done < buckets; done += 32) {
        tb.t.Sweep(&cursor, 32, [&](Entry** link) {
          std::string k((*link)->key());
          if (std::stoi(k.substr(4)) % 3 == 0) {
            EntryAlloc::Free(tb.t.Unlink(link), &tb.bytes);
            ++removed;
          }
        });
      }
      CHECK(removed == (kN + 2) / 3);
      CHECK(tb.t.size() == static_cast<size_t>(kN - removed));
      for (int i = 0; i < kN; ++i) REQUIRE(tb.Has(Key(i)) == (i % 3 != 0));
    }
    SUBCASE("during a rehash it helps finish the rehash first") {
      int next = kN;
      tb.FinishRehash();
      while (!tb.t.rehashing()) tb.Add(Key(next++));
      uint64_t cursor = 0;
      int calls = 0;
      while (tb.t.rehashing()) {
        tb.t.Sweep(&cursor, 64, [](Entry**) {});
        REQUIRE(++calls < 100000);
      }
      for (int i = 0; i < next; ++i) REQUIRE(tb.Has(Key(i)));
    }
  }

  TEST_CASE("Clear frees every entry and the byte counter returns to zero") {
    Table tb;
    for (int i = 0; i < 1000; ++i) tb.Add(Key(i));
    CHECK(tb.bytes > 0);
    tb.t.Clear([&](Entry* e) { EntryAlloc::Free(e, &tb.bytes); });
    CHECK(tb.bytes == 0);
    CHECK(tb.t.size() == 0);
    CHECK(tb.t.BucketBytes() == 0);
    tb.Add("after");
    CHECK(tb.Has("after"));
  }
}

}  // namespace yotta
