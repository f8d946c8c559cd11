// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for commands/memory_stats: Redis's human-readable byte format
// (INFO *_human fields) and the allocator probes.
#include "commands/memory_stats.h"

#include <doctest/doctest.h>

#include <memory>

namespace yotta {
namespace {

TEST_SUITE("memory_stats") {
  TEST_CASE("byte counts print as Redis's bytesToHuman does") {
    CHECK(BytesToHuman(0) == "0B");
    CHECK(BytesToHuman(1023) == "1023B");
    CHECK(BytesToHuman(1024) == "1.00K");
    CHECK(BytesToHuman(916440) == "894.96K");
    CHECK(BytesToHuman(100ll << 20) == "100.00M");
    CHECK(BytesToHuman(3ll << 30) == "3.00G");
    CHECK(BytesToHuman(5ll << 40) == "5.00T");
    CHECK(BytesToHuman(7ll << 50) == "7.00P");
    CHECK(BytesToHuman(2048ll << 50) == "2048.00P");
  }

  TEST_CASE("the allocator count grows with a live allocation") {
    int64_t before = AllocatedBytes();
    if (before < 0) return;  // neither jemalloc nor a sanitizer: nothing to probe
    auto block = std::make_unique<char[]>(8 << 20);
    block[0] = 1;
    CHECK(AllocatedBytes() >= before + (8 << 20) / 2);
    CHECK(!AllocatorName().empty());
  }

  TEST_CASE("the resident set size is readable") { CHECK(RssBytes() > 0); }
}

}  // namespace
}  // namespace yotta
