// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/intset: ordering, width upgrades, removal, and the
// validation of RESTORE payloads.
#include "core/intset.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

namespace yotta {
namespace {

TEST_CASE("intset add keeps members sorted and distinct; upgrades width") {
  uint8_t* is = intset::New();
  bool added;
  for (int64_t v : {5, -3, 100, 5, 7}) is = intset::Add(is, v, &added);
  CHECK(intset::Len(is) == 4);
  is = intset::Add(is, 1ll << 40, &added);  // 8-byte upgrade at the end
  CHECK(added);
  is = intset::Add(is, -(1ll << 20), &added);  // already wide: plain insert
  CHECK(intset::Len(is) == 6);
  int64_t expect[] = {-(1ll << 20), -3, 5, 7, 100, 1ll << 40};
  for (uint32_t i = 0; i < 6; ++i) CHECK(intset::Get(is, i) == expect[i]);
  CHECK(intset::Contains(is, 7));
  CHECK_FALSE(intset::Contains(is, 8));
  bool removed;
  is = intset::Remove(is, 7, &removed);
  CHECK(removed);
  is = intset::Remove(is, 7, &removed);
  CHECK_FALSE(removed);
  CHECK(intset::Len(is) == 5);
  CHECK(intset::MaxDecimalLen(is) == std::to_string(1ll << 40).size());
  intset::Free(is);
}

TEST_CASE("intset upgrade with a negative value puts it first") {
  uint8_t* is = intset::New();
  bool added;
  is = intset::Add(is, 1, &added);
  is = intset::Add(is, 2, &added);
  is = intset::Add(is, INT64_MIN, &added);
  CHECK(intset::Get(is, 0) == INT64_MIN);
  CHECK(intset::Get(is, 2) == 2);
  CHECK(intset::Contains(is, INT64_MIN));
  intset::Free(is);
}

TEST_CASE("intset raw round trip and validation") {
  uint8_t* is = intset::New();
  bool added;
  for (int v = 0; v < 10; ++v) is = intset::Add(is, v * 1000, &added);
  std::string raw(intset::Raw(is));
  uint8_t* c = intset::FromRaw(raw);
  REQUIRE(c != nullptr);
  CHECK(intset::Len(c) == 10);
  intset::Free(c);
  for (size_t cut = 0; cut < raw.size(); ++cut) CHECK(intset::FromRaw(raw.substr(0, cut)) == nullptr);
  std::string bad = raw;
  std::swap(bad[8], bad[10]);  // breaks ascending order
  bad[9] = 0x7f;
  CHECK(intset::FromRaw(bad) == nullptr);
  bad = raw;
  bad[0] = 3;  // width
  CHECK(intset::FromRaw(bad) == nullptr);
  intset::Free(is);
}

}  // namespace
}  // namespace yotta
