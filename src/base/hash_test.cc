// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for base/hash: Redis Cluster's CRC16 slot function with hash
// tags (vectors from the Cluster spec and CLUSTER KEYSLOT docs), and a sanity
// check that Hash64 spreads keys evenly.
#include "base/hash.h"

#include <doctest/doctest.h>

#include <bit>
#include <set>
#include <string>
#include <vector>

namespace yotta {

TEST_SUITE("hash") {
  TEST_CASE("Crc16 matches the XModem reference vectors") {
    CHECK(Crc16("") == 0);
    CHECK(Crc16("123456789") == 0x31C3);  // the check value in the Cluster spec
    CHECK(Crc16("A") == 0x58E5);
  }

  TEST_CASE("KeySlot agrees with Redis Cluster") {
    SUBCASE("plain keys") {
      CHECK(KeySlot("123456789") == (0x31C3u & 16383u));
      CHECK(KeySlot("foo") == 12182);
      CHECK(KeySlot("somekey") == 11058);  // CLUSTER KEYSLOT docs
      CHECK(KeySlot("") == 0);
    }
    SUBCASE("every slot is below 16384") {
      for (int i = 0; i < 10000; ++i) CHECK(KeySlot("key:" + std::to_string(i)) < kNumSlots);
    }
    SUBCASE("hash tags co-locate keys") {
      CHECK(KeySlot("{user1000}.following") == KeySlot("{user1000}.followers"));
      CHECK(KeySlot("{user1000}.following") == KeySlot("user1000"));
      CHECK(KeySlot("foo{hash_tag}") == 2515);  // CLUSTER KEYSLOT docs
      CHECK(KeySlot("foo{hash_tag}") == KeySlot("hash_tag"));
    }
  }

  TEST_CASE("HashTag follows the Cluster spec's edge cases") {
    SUBCASE("an empty first tag means the whole key is hashed") {
      CHECK(HashTag("foo{}{bar}") == "foo{}{bar}");
      CHECK(KeySlot("foo{}{bar}") == Crc16("foo{}{bar}") % kNumSlots);
    }
    SUBCASE("the tag runs from the first '{' to the next '}'") {
      CHECK(HashTag("foo{{bar}}zap") == "{bar");
      CHECK(HashTag("foo{bar}{zap}") == "bar");
      CHECK(HashTag("{a}") == "a");
    }
    SUBCASE("no closing brace means no tag") {
      CHECK(HashTag("foo{bar") == "foo{bar");
      CHECK(HashTag("}foo{") == "}foo{");
      CHECK(HashTag("plain") == "plain");
    }
  }

  TEST_CASE("Hash64 is deterministic and depends on every byte and the seed") {
    CHECK(Hash64("hello") == Hash64("hello"));
    CHECK(Hash64("hello") != Hash64("hellp"));
    CHECK(Hash64("hello") != Hash64("hello", 1));
    CHECK(Hash64("") != Hash64(std::string_view("\0", 1)));
    // Every prefix length (exercising the 16-, 8- and tail paths) differs.
    std::string s = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    std::set<uint64_t> seen;
    for (size_t n = 0; n <= s.size(); ++n) seen.insert(Hash64(std::string_view(s).substr(0, n)));
    CHECK(seen.size() == s.size() + 1);
  }

  TEST_CASE("Hash64 spreads similar keys evenly over buckets") {
    constexpr int kKeys = 200000, kBuckets = 1024;
    std::vector<int> count(kBuckets, 0);
    std::vector<int> bit_ones(64, 0);
    for (int i = 0; i < kKeys; ++i) {
      uint64_t h = Hash64("key:" + std::to_string(i));
      ++count[h & (kBuckets - 1)];
      for (int b = 0; b < 64; ++b) bit_ones[b] += (h >> b) & 1;
    }
    // Expected ~195 per bucket, sd ~14: these bounds are ~6 sd wide.
    int lo = kKeys, hi = 0;
    for (int c : count) {
      lo = std::min(lo, c);
      hi = std::max(hi, c);
    }
    CHECK(lo > 110);
    CHECK(hi < 290);
    // Every output bit is set about half the time (sd ~224).
    for (int b = 0; b < 64; ++b) {
      CAPTURE(b);
      CHECK(bit_ones[b] > kKeys / 2 - 2000);
      CHECK(bit_ones[b] < kKeys / 2 + 2000);
    }
  }

  TEST_CASE("Hash64 avalanches: one flipped input bit flips about half the output") {
    std::string s = "the quick brown fox jumps";
    uint64_t base = Hash64(s);
    int total = 0, trials = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      for (int b = 0; b < 8; ++b) {
        std::string t = s;
        t[i] = static_cast<char>(t[i] ^ (1 << b));
        total += std::popcount(base ^ Hash64(t));
        ++trials;
      }
    }
    double mean = static_cast<double>(total) / trials;
    CHECK(mean > 28.0);
    CHECK(mean < 36.0);
  }
}

}  // namespace yotta
