// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for core/listpack: random edits against a std::deque model,
// walking both ways, and FromRaw rejecting every corrupted byte string.
#include "core/listpack.h"

#include <doctest/doctest.h>

#include <deque>
#include <random>
#include <string>

namespace yotta {
namespace {

void ExpectEqual(const uint8_t* l, const std::deque<std::string>& model) {
  REQUIRE(lp::Count(l) == model.size());
  size_t i = 0;
  for (lp::Pos p = lp::First(l); p != lp::End(l); p = lp::Next(l, p)) CHECK(lp::Get(l, p) == model[i++]);
  CHECK(i == model.size());
  i = model.size();
  for (lp::Pos p = lp::End(l); lp::HasPrev(l, p);) {
    p = lp::Prev(l, p);
    CHECK(lp::Get(l, p) == model[--i]);
  }
  CHECK(i == 0);
}

std::string RandomValue(std::mt19937_64& rng) {
  static const size_t kSizes[] = {0, 1, 5, 126, 127, 128, 200, 16383, 16384, 20000};
  size_t n = kSizes[rng() % 10];
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_CASE("listpack: random edits match a deque") {
  std::mt19937_64 rng(7);
  uint8_t* l = lp::New();
  std::deque<std::string> model;
  for (int step = 0; step < 3000; ++step) {
    int op = static_cast<int>(rng() % 6);
    std::string v = RandomValue(rng);
    if (op == 0) {
      l = lp::Append(l, v);
      model.push_back(v);
    } else if (op == 1) {
      l = lp::Prepend(l, v);
      model.push_front(v);
    } else if (op == 2 && !model.empty()) {
      size_t i = rng() % model.size();
      l = lp::Insert(l, lp::Seek(l, static_cast<int64_t>(i)), v);
      model.insert(model.begin() + static_cast<ptrdiff_t>(i), v);
    } else if (op == 3 && !model.empty()) {
      size_t i = rng() % model.size(), n = 1 + rng() % 3;
      l = lp::Delete(l, lp::Seek(l, static_cast<int64_t>(i)), static_cast<uint32_t>(n));
      model.erase(model.begin() + static_cast<ptrdiff_t>(i),
                  model.begin() + static_cast<ptrdiff_t>(std::min(model.size(), i + n)));
    } else if (op == 4 && !model.empty()) {
      size_t i = rng() % model.size();
      l = lp::Replace(l, lp::Seek(l, -static_cast<int64_t>(i) - 1), v);
      model[model.size() - 1 - i] = v;
    } else if (op == 5 && model.size() > 40) {
      l = lp::Delete(l, lp::First(l), 20);
      model.erase(model.begin(), model.begin() + 20);
    }
    if (step % 50 == 0) ExpectEqual(l, model);
  }
  ExpectEqual(l, model);
  uint8_t* c = lp::FromRaw(lp::Raw(l));
  REQUIRE(c != nullptr);
  ExpectEqual(c, model);
  lp::Free(c);
  lp::Free(l);
}

TEST_CASE("listpack: Find with skip walks field/value pairs") {
  uint8_t* l = lp::New();
  for (const char* s : {"f1", "v", "g", "v", "f2", "x"}) l = lp::Append(l, s);
  CHECK(lp::Find(l, lp::First(l), "v", 1) == lp::End(l));  // "v" only in value slots
  lp::Pos p = lp::Find(l, lp::First(l), "f2", 1);
  REQUIRE(p != lp::End(l));
  CHECK(lp::Get(l, lp::Next(l, p)) == "x");
  CHECK(lp::Seek(l, 6) == lp::End(l));
  CHECK(lp::Get(l, lp::Seek(l, -1)) == "x");
  CHECK(lp::Last(l) == lp::Seek(l, -1));
  lp::Free(l);
}

TEST_CASE("listpack: FromRaw rejects corruption") {
  uint8_t* l = lp::New();
  for (int i = 0; i < 20; ++i) l = lp::Append(l, std::string(i * 9, 'a' + i));
  std::string raw(lp::Raw(l));
  lp::Free(l);
  std::mt19937_64 rng(3);
  for (size_t cut = 0; cut < raw.size(); cut += 7) CHECK(lp::FromRaw(raw.substr(0, cut)) == nullptr);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bad = raw;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    if (uint8_t* x = lp::FromRaw(bad)) {  // a flipped data byte is still well-formed
      ++accepted;
      for (lp::Pos p = lp::First(x); p != lp::End(x); p = lp::Next(x, p)) (void)lp::Get(x, p);
      lp::Free(x);
    }
  }
  CHECK(accepted < 2000);
}

}  // namespace
}  // namespace yotta
