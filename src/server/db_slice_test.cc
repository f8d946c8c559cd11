// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for server/db_slice: string set/find/delete, lazy and active
// expiry under the fake clock, volatile counting, SWAPDB, FLUSHALL, and the
// byte counter returning to its baseline.
#include "server/db_slice.h"

#include <doctest/doctest.h>

#include <string>

#include "base/clock.h"
#include "base/hash.h"
#include "server/config.h"

namespace yotta {
namespace {

constexpr int64_t kT0 = 1700000000000;  // fake "now" in ms

// A DbSlice on a fake clock; resets the clock to real time when done.
struct Fixture {
  ShardStats stats;
  DbSlice slice{4, &stats};
  Db& db = slice.db(0);

  Fixture() { SetFakeNowMs(kT0); }
  ~Fixture() {
    slice.FlushAll();
    SetFakeNowMs(0);
  }
  int64_t bytes() { return *slice.bytes_counter(); }
  std::string Get(std::string_view key) {
    Entry* e = db.Find(key);
    return e ? std::string(e->str()) : "<nil>";
  }
};

std::string Key(int i) { return "k" + std::to_string(i); }

// Sets maxmemory-policy for one test and restores it (Config is global).
class PolicyScope {
 public:
  PolicyScope() : saved_(Config::Get().GetString("maxmemory-policy")) {}
  ~PolicyScope() { Set(saved_); }
  void Set(const std::string& policy) {
    std::string err;
    REQUIRE_MESSAGE(Config::Get().Set({{"maxmemory-policy", policy}}, false, &err), err);
  }

 private:
  std::string saved_;
};

}  // namespace

TEST_SUITE("db_slice") {
  TEST_CASE("SetString, Find and Delete round-trip a value") {
    Fixture f;
    CHECK(f.bytes() == 0);
    f.db.SetString("a", "1", 0, false);
    CHECK(f.Get("a") == "1");
    CHECK(f.db.size() == 1);
    CHECK(f.bytes() > 0);

    SUBCASE("overwriting replaces the value without leaking bytes") {
      int64_t one = f.bytes();
      f.db.SetString("a", "2", 0, false);
      CHECK(f.Get("a") == "2");
      CHECK(f.db.size() == 1);
      CHECK(f.bytes() == one);
    }
    SUBCASE("Delete reports whether the key existed") {
      CHECK(f.db.Delete("a"));
      CHECK_FALSE(f.db.Delete("a"));
      CHECK(f.Get("a") == "<nil>");
      CHECK(f.db.size() == 0);
      CHECK(f.bytes() == 0);
    }
    SUBCASE("dbs are independent") {
      CHECK(f.slice.db(1).Find("a") == nullptr);
      f.slice.db(1).SetString("a", "other", 0, false);
      CHECK(f.Get("a") == "1");
      CHECK(std::string(f.slice.db(1).Find("a")->str()) == "other");
    }
  }

  TEST_CASE("FindRead counts hits and misses, Peek and Find do not") {
    Fixture f;
    f.db.SetString("a", "1", 0, false);
    f.db.FindRead("a");
    f.db.FindRead("a");
    f.db.FindRead("missing");
    f.db.Find("a");
    f.db.Peek("missing");
    CHECK(f.stats.keyspace_hits.get() == 2);
    CHECK(f.stats.keyspace_misses.get() == 1);
  }

  TEST_CASE("Find refreshes the LRU clock, Peek leaves it") {
    Fixture f;
    UpdateLruClock();
    f.db.SetString("a", "1", 0, false);
    uint32_t created = f.db.Peek("a")->lru();
    SetFakeNowMs(kT0 + 100 * 1000);
    UpdateLruClock();
    CHECK(f.db.Peek("a")->lru() == created);
    CHECK(f.db.Find("a")->lru() == created + 100);
    SetFakeNowMs(0);
    UpdateLruClock();
  }

  TEST_CASE("an expired key is never returned and is deleted lazily") {
    Fixture f;
    f.db.SetString("t", "v", kT0 + 1000, false);
    CHECK(f.db.volatile_count() == 1);
    CHECK(f.db.Find("t")->expire_ms() == kT0 + 1000);

    SetFakeNowMs(kT0 + 999);
    CHECK(f.Get("t") == "v");
    SetFakeNowMs(kT0 + 1000);  // expiry is inclusive, as in Redis
    CHECK(f.db.Peek("t") == nullptr);
    CHECK(f.db.size() == 0);
    CHECK(f.db.volatile_count() == 0);
    CHECK(f.stats.expired_keys.get() == 1);
    CHECK(f.bytes() == 0);
    CHECK_FALSE(f.db.Delete("t"));
  }

  TEST_CASE("SetString with keep_ttl keeps the old expiry") {
    Fixture f;
    f.db.SetString("t", "v1", kT0 + 5000, false);
    f.db.SetString("t", "v2", 0, true);
    CHECK(f.Get("t") == "v2");
    CHECK(f.db.Find("t")->expire_ms() == kT0 + 5000);
    CHECK(f.db.volatile_count() == 1);
    f.db.SetString("t", "v3", 0, false);
    CHECK_FALSE(f.db.Find("t")->has_expire());
    CHECK(f.db.volatile_count() == 0);
    SUBCASE("keep_ttl on a missing key sets no expiry") {
      f.db.SetString("new", "x", 0, true);
      CHECK_FALSE(f.db.Find("new")->has_expire());
    }
  }

  TEST_CASE("overwriting a same-sized string reuses its allocation") {
    Fixture f;
    std::string a(64, 'a'), b(64, 'b');
    f.db.SetString("s", a, kT0 + 5000, false);
    Entry* before = f.db.Find("s");
    int64_t bytes = f.bytes();
    f.db.SetString("s", b, kT0 + 9000, false);  // same size, still volatile
    CHECK(f.db.Find("s") == before);
    CHECK(f.bytes() == bytes);
    CHECK(f.Get("s") == b);
    CHECK(f.db.Find("s")->expire_ms() == kT0 + 9000);
    CHECK(f.db.volatile_count() == 1);
    SUBCASE("dropping the TTL needs a new entry") {
      f.db.SetString("s", a, 0, false);
      CHECK_FALSE(f.db.Find("s")->has_expire());
      CHECK(f.db.volatile_count() == 0);
      CHECK(f.Get("s") == a);
    }
    SUBCASE("a much smaller value does not keep the large buffer") {
      std::string big(4096, 'x');
      f.db.SetString("big", big, 0, false);
      int64_t with_big = f.bytes();
      f.db.SetString("big", "tiny", 0, false);
      CHECK(f.Get("big") == "tiny");
      CHECK(f.bytes() < with_big - 4000);
    }
  }

  TEST_CASE("SetExpire adds and removes expiries and keeps the volatile count") {
    Fixture f;
    for (int i = 0; i < 100; ++i) f.db.SetString(Key(i), "v", 0, false);
    for (int i = 0; i < 100; i += 2) {
      Entry* e = f.db.SetExpire(f.db.FindLink(Key(i)), kT0 + 10);
      CHECK(e->expire_ms() == kT0 + 10);
      CHECK(e->str() == "v");
    }
    CHECK(f.db.volatile_count() == 50);
    f.db.SetExpire(f.db.FindLink(Key(0)), 0);  // PERSIST
    CHECK(f.db.volatile_count() == 49);
    CHECK(f.db.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(f.Get(Key(i)) == "v");
    SetFakeNowMs(kT0 + 10);
    for (int i = 0; i < 100; ++i) CHECK((f.db.Find(Key(i)) != nullptr) == (i == 0 || i % 2 == 1));
    CHECK(f.db.volatile_count() == 0);
    CHECK(f.db.size() == 51);
  }

  TEST_CASE("Insert, Replace, Detach and DeleteLink keep counts and bytes right") {
    Fixture f;
    f.db.Insert(EntryAlloc::NewString("a", "1", kT0 + 100, f.slice.bytes_counter()));
    CHECK(f.db.volatile_count() == 1);
    Entry** link = f.db.FindLink("a");
    REQUIRE(link);
    f.db.Replace(link, EntryAlloc::NewString("a", "2", 0, f.slice.bytes_counter()));
    CHECK(f.Get("a") == "2");
    CHECK(f.db.volatile_count() == 0);

    Entry* moved = f.db.Detach(f.db.FindLink("a"));
    CHECK(f.db.size() == 0);
    CHECK(f.bytes() > 0);  // detached, not freed: still charged
    f.slice.db(1).Insert(moved);
    CHECK(std::string(f.slice.db(1).Find("a")->str()) == "2");
    f.slice.db(1).DeleteLink(f.slice.db(1).FindLink("a"));
    CHECK(f.bytes() == 0);
  }

  TEST_CASE("ActiveExpire removes expired keys within its budget") {
    Fixture f;
    constexpr int kN = 50000;
    for (int i = 0; i < kN; ++i) f.db.SetString(Key(i), "v", i % 2 ? kT0 + 1000 : 0, false);
    f.slice.db(2).SetString("other", "v", kT0 + 1000, false);
    while (f.db.table().RehashStep(1000)) {
    }
    CHECK(f.db.volatile_count() == kN / 2);

    SUBCASE("nothing is due yet") {
      CHECK(f.slice.ActiveExpire(1000000) == 0);
      CHECK(f.db.size() == kN);
    }
    SUBCASE("a zero budget does a bounded slice of work") {
      SetFakeNowMs(kT0 + 1000);
      int first = f.slice.ActiveExpire(0);
      CHECK(first < kN / 2);
      int total = first;
      for (int i = 0; i < 100000 && f.db.volatile_count() > 0; ++i)
        total += f.slice.ActiveExpire(0);
      CHECK(f.db.volatile_count() == 0);
      CHECK(total >= kN / 2);
    }
    SUBCASE("an ample budget clears every due key in one pass") {
      SetFakeNowMs(kT0 + 1000);
      int n = f.slice.ActiveExpire(10 * 1000 * 1000);
      CHECK(n == kN / 2 + 1);
      CHECK(f.db.size() == kN / 2);
      CHECK(f.db.volatile_count() == 0);
      CHECK(f.slice.db(2).size() == 0);
      CHECK(f.stats.expired_keys.get() == static_cast<uint64_t>(kN / 2 + 1));
      for (int i = 0; i < kN; i += 1000) CHECK((f.db.Peek(Key(i)) != nullptr) == (i % 2 == 0));
    }
  }

  TEST_CASE("ActiveExpire empties a table whose keys all expire, through its shrink") {
    Fixture f;
    constexpr int kN = 20000;
    for (int i = 0; i < kN; ++i) f.db.SetString(Key(i), "v", kT0 + 10, false);
    SetFakeNowMs(kT0 + 10);
    int total = 0, cycles = 0;
    while (f.db.volatile_count() > 0) {
      total += f.slice.ActiveExpire(10 * 1000 * 1000);
      REQUIRE(++cycles < 1000);  // each cycle must make progress
    }
    CHECK(total == kN);
    CHECK(f.db.size() == 0);
    CHECK(f.bytes() == 0);
    CHECK(f.stats.expired_keys.get() == static_cast<uint64_t>(kN));
  }

  TEST_CASE("FreeMemory evicts per maxmemory-policy until under the limit") {
    Fixture f;
    PolicyScope scope;
    for (int i = 0; i < 2000; ++i) {
      f.db.SetString(Key(i), std::string(100, 'x'), i % 2 ? kT0 + 1000 + i : 0, false);
    }
    int64_t full = f.slice.used_bytes();

    SUBCASE("under the limit nothing happens") {
      scope.Set("allkeys-random");
      CHECK(f.slice.FreeMemory(full) == EvictStatus::kOk);
      CHECK(f.db.size() == 2000);
    }
    SUBCASE("noeviction fails instead of evicting") {
      scope.Set("noeviction");
      CHECK(f.slice.FreeMemory(full / 2) == EvictStatus::kFail);
      CHECK(f.db.size() == 2000);
    }
    SUBCASE("allkeys-random evicts any keys until under the limit") {
      scope.Set("allkeys-random");
      EvictStatus st = EvictStatus::kRunning;
      for (int i = 0; i < 1000 && st == EvictStatus::kRunning; ++i)
        st = f.slice.FreeMemory(full / 2);
      CHECK(st == EvictStatus::kOk);
      CHECK(f.slice.used_bytes() <= full / 2);
      CHECK(f.stats.evicted_keys.get() == 2000 - f.db.size());
      CHECK(f.stats.evicted_keys.get() > 0);
    }
    SUBCASE("volatile-ttl evicts only keys with an expiry, soonest first") {
      scope.Set("volatile-ttl");
      EvictStatus st = EvictStatus::kRunning;
      int64_t limit = full - full / 10;
      for (int i = 0; i < 1000 && st == EvictStatus::kRunning; ++i) st = f.slice.FreeMemory(limit);
      CHECK(st == EvictStatus::kOk);
      for (int i = 0; i < 2000; i += 2) REQUIRE(f.db.Peek(Key(i)) != nullptr);
      CHECK(f.db.volatile_count() < 1000);
      // Key i expires at kT0 + 1000 + i: the evicted ones skew early.
      double gone_sum = 0, kept_sum = 0;
      int gone = 0, kept = 0;
      for (int i = 1; i < 2000; i += 2) {
        if (f.db.Peek(Key(i))) {
          kept_sum += i, ++kept;
        } else {
          gone_sum += i, ++gone;
        }
      }
      REQUIRE(gone > 0);
      REQUIRE(kept > 0);
      CHECK(gone_sum / gone < kept_sum / kept);
    }
    SUBCASE("a volatile policy with no volatile keys left fails") {
      scope.Set("volatile-lru");
      EvictStatus st = EvictStatus::kRunning;
      for (int i = 0; i < 10000 && st != EvictStatus::kFail; ++i) st = f.slice.FreeMemory(0);
      CHECK(st == EvictStatus::kFail);
      CHECK(f.db.volatile_count() == 0);
      CHECK(f.db.size() == 1000);
    }
    // Whatever was evicted, the survivors are intact and fully accounted.
    f.db.ForEachLive([&](Entry* e) { REQUIRE(e->str() == std::string(100, 'x')); }, kT0);
    for (int i = 0; i < 2000; ++i) f.db.Delete(Key(i));
    CHECK(f.bytes() == 0);
  }

  TEST_CASE("SwapDb exchanges two dbs wholesale") {
    Fixture f;
    f.slice.db(0).SetString("zero", "0", 0, false);
    f.slice.db(3).SetString("three", "3", kT0 + 50, false);
    Db* before0 = &f.slice.db(0);
    f.slice.SwapDb(0, 3);
    CHECK(&f.slice.db(3) == before0);
    CHECK(f.slice.db(0).Find("three") != nullptr);
    CHECK(f.slice.db(0).Find("zero") == nullptr);
    CHECK(f.slice.db(3).Find("zero") != nullptr);
    CHECK(f.slice.db(0).volatile_count() == 1);
    CHECK(f.slice.db(3).volatile_count() == 0);
    SetFakeNowMs(kT0 + 50);
    CHECK(f.slice.db(0).Find("three") == nullptr);
    CHECK(f.slice.db(0).volatile_count() == 0);
  }

  TEST_CASE("FlushAll empties every db and returns bytes to the baseline") {
    Fixture f;
    int64_t base_used = f.slice.used_bytes();
    for (int d = 0; d < f.slice.num_dbs(); ++d) {
      for (int i = 0; i < 1000; ++i)
        f.slice.db(d).SetString(Key(i), std::string(i % 50, 'x'), i % 3 ? 0 : kT0 + 5, false);
    }
    CHECK(f.slice.used_bytes() > base_used);
    f.slice.FlushAll();
    for (int d = 0; d < f.slice.num_dbs(); ++d) {
      CHECK(f.slice.db(d).size() == 0);
      CHECK(f.slice.db(d).volatile_count() == 0);
    }
    CHECK(f.bytes() == 0);
    CHECK(f.slice.used_bytes() == base_used);
    f.db.SetString("after", "flush", 0, false);
    CHECK(f.Get("after") == "flush");
  }

  TEST_CASE("deleting every key one by one returns the byte counter to zero") {
    Fixture f;
    for (int i = 0; i < 5000; ++i)
      f.db.SetString(Key(i), std::string(i % 200, 'y'), i % 2 ? kT0 + 1 : 0, false);
    for (int i = 0; i < 5000; i += 2) f.db.SetString(Key(i), "short", 0, false);  // replacements
    for (int i = 0; i < 5000; ++i) REQUIRE(f.db.Delete(Key(i)));
    CHECK(f.db.size() == 0);
    CHECK(f.db.volatile_count() == 0);
    CHECK(f.bytes() == 0);
  }

  TEST_CASE("ForEachLive skips expired entries without deleting them") {
    Fixture f;
    f.db.SetString("live", "1", 0, false);
    f.db.SetString("dead", "2", kT0 + 1, false);
    f.db.SetString("later", "3", kT0 + 100, false);
    int n = 0;
    f.db.ForEachLive(
        [&](Entry* e) {
          ++n;
          CHECK(e->key() != "dead");
        },
        kT0 + 1);
    CHECK(n == 2);
    CHECK(f.db.size() == 3);
    CHECK(f.db.IsExpired(f.db.table().Find("dead", Hash64("dead")), kT0 + 1));
  }
}

}  // namespace yotta
