// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/hll: byte-exact agreement with strings captured from
// redis-server 7.0, register packing, sparse updates and promotion, the
// estimator, and rejection of corrupt sparse encodings.
#include "core/hll.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace yotta {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Build(int n, size_t max_bytes = 3000) {
  std::string h = hll::NewEmpty();
  for (int i = 0; i < n; ++i) hll::Add(&h, "el" + std::to_string(i), max_bytes);
  return h;
}

uint64_t CountOf(std::string_view h) {
  uint64_t c = ~uint64_t{0};
  REQUIRE(hll::Count(h, &c));
  return c;
}

}  // namespace

TEST_SUITE("hll") {
  TEST_CASE("an empty HLL is Redis's 18-byte sparse XZERO:16384") {
    std::string h = hll::NewEmpty();
    CHECK(h == Unhex("48594c4c0100000000000000000000007fff"));
    CHECK(hll::IsValid(h));
    CHECK(hll::IsSparse(h));
    CHECK(CountOf(h) == 0);
    CHECK(hll::DecodeSparse(h) == "Z:16384");
  }

  TEST_CASE("PFADD a b c gives redis-server's exact bytes") {
    std::string h = hll::NewEmpty();
    for (const char* e : {"a", "b", "c"}) CHECK(hll::Add(&h, e, 3000) == 1);
    hll::InvalidateCache(h.data());
    CHECK(h == Unhex("48594c4c01000000000000000000008060f38050b1844bfb80425a"));
    CHECK(hll::DecodeSparse(h) == "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
    CHECK(hll::Add(&h, "a", 3000) == 0);  // already counted
    CHECK(CountOf(h) == 3);
  }

  TEST_CASE("cardinalities match redis-server") {
    CHECK(CountOf(Build(1000)) == 1005);
    std::string d = Build(5000);
    CHECK(d.size() == hll::kDenseSize);  // promoted past 3000 bytes
    CHECK_FALSE(hll::IsSparse(d));
    CHECK(CountOf(d) == 5041);
    CHECK(Build(1000).size() == 1916);
  }

  TEST_CASE("the cached cardinality round-trips and its top bit marks it stale") {
    std::string h = hll::NewEmpty();
    CHECK(hll::CacheValid(h.data()));
    hll::StoreCard(h.data(), 0x0102030405060708ull);
    CHECK(hll::CachedCard(h.data()) == 0x0102030405060708ull);
    hll::InvalidateCache(h.data());
    CHECK_FALSE(hll::CacheValid(h.data()));
    hll::StoreCard(h.data(), 5041);
    CHECK(hll::CacheValid(h.data()));
  }

  TEST_CASE("dense registers keep their values without touching neighbours") {
    std::vector<uint8_t> regs(hll::kDenseSize - hll::kHeaderSize, 0);
    for (uint32_t i = 0; i < hll::kRegisters; ++i) hll::DenseSetRaw(regs.data(), i, static_cast<uint8_t>((i * 7 + 3) & 63));
    for (uint32_t i = 0; i < hll::kRegisters; ++i) REQUIRE(hll::DenseGet(regs.data(), i) == ((i * 7 + 3) & 63));
    hll::DenseSetRaw(regs.data(), hll::kRegisters - 1, 63);  // the last register stays inside the buffer
    CHECK(hll::DenseGet(regs.data(), hll::kRegisters - 1) == 63);
    CHECK(hll::DenseGet(regs.data(), hll::kRegisters - 2) == (((hll::kRegisters - 2) * 7 + 3) & 63));
    CHECK_FALSE(hll::DenseSet(regs.data(), 5, 1));
    CHECK(hll::DenseSet(regs.data(), 5, 63));
  }

  TEST_CASE("sparse and dense agree register by register") {
    std::string s = Build(700);
    REQUIRE(hll::IsSparse(s));
    std::string d = s;
    REQUIRE(hll::SparseToDense(&d));
    CHECK(d.size() == hll::kDenseSize);
    std::vector<uint8_t> a(hll::kRegisters, 0), b(hll::kRegisters, 0);
    CHECK(hll::MergeInto(s, a.data()));
    CHECK(hll::MergeInto(d, b.data()));
    CHECK(a == b);
    CHECK(CountOf(s) == CountOf(d));
    CHECK(hll::CountRaw(a.data()) == CountOf(s));
  }

  TEST_CASE("a lower sparse limit promotes earlier; a value above 32 always does") {
    CHECK(Build(200, 100).size() == hll::kDenseSize);
    std::string h = hll::NewEmpty();
    CHECK(hll::Set(&h, 10, 32, 3000) == 1);
    CHECK(hll::IsSparse(h));
    CHECK(hll::Set(&h, 11, 33, 3000) == 1);
    CHECK_FALSE(hll::IsSparse(h));
    CHECK(hll::DenseGet(reinterpret_cast<const uint8_t*>(h.data()) + hll::kHeaderSize, 10) == 32);
  }

  TEST_CASE("adjacent equal values merge into one VAL opcode") {
    std::string h = hll::NewEmpty();
    for (uint32_t i = 100; i < 104; ++i) hll::Set(&h, i, 3, 3000);
    CHECK(hll::DecodeSparse(h) == "Z:100 v:3,4 Z:16280");
    hll::Set(&h, 104, 3, 3000);
    CHECK(hll::DecodeSparse(h) == "Z:100 v:3,4 v:3,1 Z:16279");
  }

  TEST_CASE("validity follows Redis's checks") {
    CHECK_FALSE(hll::IsValid(""));
    CHECK_FALSE(hll::IsValid("HYLL"));
    std::string h = hll::NewEmpty();
    h[0] = 'h';
    CHECK_FALSE(hll::IsValid(h));
    h = hll::NewEmpty();
    h[4] = 2;
    CHECK_FALSE(hll::IsValid(h));
    h[4] = 0;  // dense but too short
    CHECK_FALSE(hll::IsValid(h));
  }

  TEST_CASE("corrupt sparse encodings are reported, never overrun") {
    std::string h = hll::NewEmpty();
    h.back() = '\x00';  // XZERO:16129, too few registers
    std::vector<uint8_t> max(hll::kRegisters, 0);
    uint64_t c;
    CHECK_FALSE(hll::MergeInto(h, max.data()));
    CHECK_FALSE(hll::Count(h, &c));
    std::string copy = h;
    CHECK_FALSE(hll::SparseToDense(&copy));
    CHECK(copy == h);
    // An XZERO cut short reads 0 as its missing byte, as Redis reads the
    // string terminator: XZERO:16129 here.
    std::string cut = hll::NewEmpty();
    cut.pop_back();
    CHECK_FALSE(hll::Count(cut, &c));
    CHECK(hll::Set(&cut, 16200, 1, 3000) == -1);  // past the covered registers
    CHECK(hll::Set(&cut, 12711, 2, 3000) == 1);   // redis-server's bytes:
    CHECK(cut == Unhex("48594c4c01000000000000000000008071a6844d"));
    std::string over = hll::NewEmpty() + std::string(10, '\xff');  // VAL runs past the end
    CHECK_FALSE(hll::Count(over, &c));
    CHECK_FALSE(hll::MergeInto(over, max.data()));
  }

  TEST_CASE("the self test passes") { CHECK(hll::SelfTest(3000) == ""); }
}

}  // namespace yotta
