// YottaStore. Licensed under the Apache License 2.0.
// Sorted-set helpers shared by the zset command files (see zset_common.h).
#include "commands/zset_common.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "server/config.h"
#include "server/errors.h"

namespace yotta::zset_cmd {

namespace {
size_t MaxEntries() {
  return static_cast<size_t>(Config::Get().zset_max_listpack_entries.load(std::memory_order_relaxed));
}
size_t MaxValue() {
  return static_cast<size_t>(Config::Get().zset_max_listpack_value.load(std::memory_order_relaxed));
}

// Redis's zslParseRange number: strtod over the whole text, NaN rejected
// (leading spaces, overflow to inf, and even "" = 0 are accepted, as there).
bool ParseRangeDouble(std::string_view s, double* out) {
  if (s.size() > 256) return false;
  char buf[260];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end;
  double v = std::strtod(buf, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *out = v;
  return true;
}

bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  *ex = !s.empty() && s[0] == '(';
  if (*ex) s.remove_prefix(1);
  return ParseRangeDouble(s, v);
}

bool ParseLexBound(std::string_view s, std::string* v, int* inf, bool* ex) {
  if (s.empty()) return false;
  *inf = 0;
  *ex = false;
  if (s == "+" || s == "-") {
    *inf = s == "+" ? 1 : -1;
    return true;
  }
  if (s[0] != '(' && s[0] != '[') return false;
  *ex = s[0] == '(';
  v->assign(s.substr(1));
  return true;
}
}  // namespace

bool Lookup(CmdContext& cx, Db& db, std::string_view key, bool read, Entry** out) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  if (e && e->type() != ObjType::kZSet) {
    cx.rb().Error(kErrWrongType);
    *out = nullptr;
    return false;
  }
  *out = e;
  return true;
}

ZSet* NewZSet(size_t size_hint, size_t max_len) {
  bool small = size_hint <= MaxEntries() && max_len <= MaxValue();
  return new ZSet(!small);
}

Entry* CreateKey(Db& db, std::string_view key, ZSet* z) {
  Entry* e = EntryAlloc::NewObject(key, ObjType::kZSet, z, 0, db.slice().bytes_counter());
  db.Insert(e);
  db.slice().AdjustBytes(static_cast<int64_t>(z->bytes()));
  return e;
}

void Finish(Db& db, std::string_view key, ZSet* z, size_t before) {
  db.slice().AdjustBytes(static_cast<int64_t>(z->bytes()) - static_cast<int64_t>(before));
  if (z->size() == 0) db.Delete(key);
}

AddOutcome AddOne(ZSet* z, std::string_view member, double* score, const AddOpts& o) {
  std::optional<double> cur = z->Score(member);
  if (cur) {
    if (o.nx) {
      *score = *cur;
      return AddOutcome::kNop;
    }
    double s = *score;
    if (o.incr) {
      s += *cur;
      if (std::isnan(s)) return AddOutcome::kNan;
    }
    if ((o.lt && s >= *cur) || (o.gt && s <= *cur)) {
      *score = *cur;
      return AddOutcome::kNop;
    }
    *score = s;
    if (s == *cur) return AddOutcome::kUnchanged;
    z->Set(member, s);
    return AddOutcome::kUpdated;
  }
  if (o.xx) return AddOutcome::kNop;
  if (z->is_listpack() && (z->size() + 1 > MaxEntries() || member.size() > MaxValue())) {
    z->ToSkiplist();
  }
  z->Set(member, *score);
  return AddOutcome::kAdded;
}

void StoreItems(Db& db, std::string_view key, const Items& items) {
  db.Delete(key);
  if (items.empty()) return;
  size_t max_len = 0;
  for (const auto& [m, s] : items) max_len = std::max(max_len, m.size());
  ZSet* z = NewZSet(items.size(), max_len);
  for (const auto& [m, s] : items) z->Set(m, s);
  CreateKey(db, key, z);
}

void StoreInOrder(Db& db, std::string_view key, const Items& items, bool big_hint) {
  db.Delete(key);
  if (items.empty()) return;
  ZSet* z = new ZSet(big_hint);
  for (const auto& [m, s] : items) {
    if (z->is_listpack() && (z->size() + 1 > MaxEntries() || m.size() > MaxValue())) z->ToSkiplist();
    z->Set(m, s);
  }
  CreateKey(db, key, z);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* r) {
  return ParseScoreBound(min, &r->min, &r->minex) && ParseScoreBound(max, &r->max, &r->maxex);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* r) {
  return ParseLexBound(min, &r->min, &r->min_inf, &r->minex) &&
         ParseLexBound(max, &r->max, &r->max_inf, &r->maxex);
}

std::pair<size_t, size_t> RanksOf(const ZSet* z, const ScoreRange& r) {
  size_t first = z->CountBefore([&](double s, std::string_view) { return r.minex ? s <= r.min : s < r.min; });
  size_t last = z->CountBefore([&](double s, std::string_view) { return r.maxex ? s < r.max : s <= r.max; });
  return {first, std::max(first, last)};
}

std::pair<size_t, size_t> RanksOf(const ZSet* z, const LexRange& r) {
  size_t first = z->CountBefore([&](double, std::string_view m) {
    if (r.min_inf) return r.min_inf > 0;
    return r.minex ? m <= std::string_view(r.min) : m < std::string_view(r.min);
  });
  size_t last = z->CountBefore([&](double, std::string_view m) {
    if (r.max_inf) return r.max_inf > 0;
    return r.maxex ? m < std::string_view(r.max) : m <= std::string_view(r.max);
  });
  return {first, std::max(first, last)};
}

void ReplyItems(ReplyBuilder& rb, const Items& items, bool withscores) {
  if (!withscores) {
    rb.Array(items.size());
    for (const auto& it : items) rb.Bulk(it.first);
    return;
  }
  ReplyPairs(rb, items, false);
}

void ReplyPairs(ReplyBuilder& rb, const Items& items, bool nested) {
  bool pairs = nested || rb.resp() >= 3;
  rb.Array(pairs ? items.size() : items.size() * 2);
  for (const auto& [m, s] : items) {
    if (pairs) rb.Array(2);
    rb.Bulk(m);
    rb.Double(s);
  }
}

Items PopN(Db& db, std::string_view key, Entry* e, size_t count, bool max) {
  ZSet* z = Z(e);
  size_t before = z->bytes();
  size_t n = std::min(count, z->size());
  Items out;
  out.reserve(n);
  if (max) {
    z->Walk(z->size() - n, z->size(), true, [&](std::string_view m, double s) { out.emplace_back(m, s); });
  } else {
    z->Walk(0, n, false, [&](std::string_view m, double s) { out.emplace_back(m, s); });
  }
  for (const auto& it : out) z->Erase(it.first);
  Finish(db, key, z, before);
  return out;
}

}  // namespace yotta::zset_cmd
