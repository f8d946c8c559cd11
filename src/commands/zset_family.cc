// YottaStore. Licensed under the Apache License 2.0.
// Sorted-set commands on single members: ZADD ZINCRBY ZREM ZCARD ZSCORE
// ZMSCORE ZRANK ZREVRANK ZSCAN ZRANDMEMBER, the type's ObjectOps, and the
// family's registration table. Ranges live in zset_range.cc, set algebra in
// zset_algebra.cc, pops (and their blocking forms) in zset_pop.cc.
#include <random>
#include <unordered_set>

#include "base/str_util.h"
#include "commands/scan_args.h"
#include "commands/zset_common.h"
#include "commands/member_codec.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {

void RegisterZSetRangeCommands(CommandRegistry& reg);
void RegisterZSetAlgebraCommands(CommandRegistry& reg);
void RegisterZSetPopCommands(CommandRegistry& reg);

namespace {
using namespace zset_cmd;

constexpr std::string_view kErrXxNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kErrIncrPair = "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kErrRandCount = "ERR value is out of range";
constexpr std::string_view kErrRandRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

// ---------------------------------------------------------------------------
// ObjectOps

void* RestoreZSet(std::string_view payload) {
  const Config& c = Config::Get();
  return ZSet::Deserialize(payload, c.zset_max_listpack_entries.load(std::memory_order_relaxed),
                           c.zset_max_listpack_value.load(std::memory_order_relaxed));
}

void RegisterOps() {
  ObjectOps ops;
  ops.free = [](void* o) { delete static_cast<ZSet*>(o); };
  ops.bytes = [](const void* o) { return static_cast<const ZSet*>(o)->bytes(); };
  ops.clone = [](const void* o) -> void* { return static_cast<const ZSet*>(o)->Clone(); };
  ops.encoding = [](const void* o) -> std::string_view {
    return static_cast<const ZSet*>(o)->is_listpack() ? "listpack" : "skiplist";
  };
  ops.dump = [](const void* o, std::string* out) { static_cast<const ZSet*>(o)->Serialize(out); };
  ops.restore = RestoreZSet;
  ops.length = [](const void* o) { return static_cast<const ZSet*>(o)->size(); };
  RegisterObjectOps(ObjType::kZSet, ops);
}

// ---------------------------------------------------------------------------
// ZADD / ZINCRBY

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
void AddGeneric(CmdContext& cx, AddOpts o, bool ch, size_t idx) {
  size_t n = cx.argc() - idx;
  if (n == 0 || n % 2 != 0) return cx.rb().Error(kErrSyntax);
  if (o.nx && o.xx) return cx.rb().Error(kErrXxNx);
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) return cx.rb().Error(kErrGtLtNx);
  if (o.incr && n > 2) return cx.rb().Error(kErrIncrPair);
  std::vector<double> scores(n / 2);
  size_t max_len = 0;
  for (size_t i = 0; i < n / 2; ++i) {
    if (!ParseDouble(cx.arg(idx + 2 * i), &scores[i])) return cx.rb().Error(kErrNotFloat);
    max_len = std::max(max_len, cx.arg(idx + 2 * i + 1).size());
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry* e;
  if (!Lookup(cx, db, key, false, &e)) return;
  if (!e) {
    if (o.xx) return o.incr ? cx.rb().Null() : cx.rb().Integer(0);
    e = CreateKey(db, key, NewZSet(n / 2, max_len));
  }
  ZSet* z = Z(e);
  size_t before = z->bytes();
  int64_t added = 0, updated = 0;
  bool processed = false;
  double last = 0;
  for (size_t i = 0; i < n / 2; ++i) {
    double s = scores[i];
    AddOutcome r = AddOne(z, cx.arg(idx + 2 * i + 1), &s, o);
    if (r == AddOutcome::kNan) {
      Finish(db, key, z, before);
      return cx.rb().Error(kErrNan);
    }
    added += r == AddOutcome::kAdded;
    updated += r == AddOutcome::kUpdated;
    processed = r != AddOutcome::kNop;
    last = s;
  }
  Finish(db, key, z, before);
  if (o.incr) return processed ? cx.rb().Double(last) : cx.rb().Null();
  cx.rb().Integer(ch ? added + updated : added);
}

void CmdZAdd(CmdContext& cx) {
  AddOpts o;
  bool ch = false;
  size_t i = 2;
  for (; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    if (EqualsIgnoreCase(a, "NX")) o.nx = true;
    else if (EqualsIgnoreCase(a, "XX")) o.xx = true;
    else if (EqualsIgnoreCase(a, "GT")) o.gt = true;
    else if (EqualsIgnoreCase(a, "LT")) o.lt = true;
    else if (EqualsIgnoreCase(a, "CH")) ch = true;
    else if (EqualsIgnoreCase(a, "INCR")) o.incr = true;
    else break;
  }
  AddGeneric(cx, o, ch, i);
}

void CmdZIncrBy(CmdContext& cx) {
  // Redis runs ZINCRBY through ZADD's flag parser: a flag word in the
  // increment's place is consumed, leaving one argument (a syntax error).
  for (std::string_view f : {"NX", "XX", "GT", "LT", "CH", "INCR"}) {
    if (EqualsIgnoreCase(cx.arg(2), f)) return cx.rb().Error(kErrSyntax);
  }
  AddOpts o;
  o.incr = true;
  AddGeneric(cx, o, false, 2);
}

// ---------------------------------------------------------------------------
// Single-member reads and ZREM

void CmdZRem(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry* e;
  if (!Lookup(cx, db, key, false, &e)) return;
  if (!e) return cx.rb().Integer(0);
  ZSet* z = Z(e);
  size_t before = z->bytes();
  int64_t n = 0;
  for (size_t i = 2; i < cx.argc() && z->size() > 0; ++i) n += z->Erase(cx.arg(i));
  Finish(db, key, z, before);
  cx.rb().Integer(n);
}

void CmdZCard(CmdContext& cx) {
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  cx.rb().Integer(e ? static_cast<int64_t>(Z(e)->size()) : 0);
}

void CmdZScore(CmdContext& cx) {
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  std::optional<double> s = e ? Z(e)->Score(cx.arg(2)) : std::nullopt;
  s ? cx.rb().Double(*s) : cx.rb().Null();
}

void CmdZMScore(CmdContext& cx) {
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  cx.rb().Array(cx.argc() - 2);
  for (size_t i = 2; i < cx.argc(); ++i) {
    std::optional<double> s = e ? Z(e)->Score(cx.arg(i)) : std::nullopt;
    s ? cx.rb().Double(*s) : cx.rb().Null();
  }
}

// ZRANK/ZREVRANK key member [WITHSCORE] (WITHSCORE is Redis 7.2's).
void RankGeneric(CmdContext& cx, bool rev) {
  bool withscore = false;
  if (cx.argc() > 4) return cx.rb().Error(ErrWrongArgs(cx.spec().name));
  if (cx.argc() == 4) {
    if (!EqualsIgnoreCase(cx.arg(3), "WITHSCORE")) return cx.rb().Error(kErrSyntax);
    withscore = true;
  }
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  std::optional<size_t> r = e ? Z(e)->Rank(cx.arg(2)) : std::nullopt;
  if (!r) return withscore ? cx.rb().NullArray() : cx.rb().Null();
  int64_t rank = static_cast<int64_t>(rev ? Z(e)->size() - 1 - *r : *r);
  if (!withscore) return cx.rb().Integer(rank);
  cx.rb().Array(2);
  cx.rb().Integer(rank);
  cx.rb().Double(*Z(e)->Score(cx.arg(2)));
}

void CmdZRank(CmdContext& cx) { RankGeneric(cx, false); }
void CmdZRevRank(CmdContext& cx) { RankGeneric(cx, true); }

// ---------------------------------------------------------------------------
// ZSCAN key cursor [MATCH pattern] [COUNT count]

void CmdZScan(CmdContext& cx) {
  scan_args::Args args;
  if (!scan_args::ParseCursor(cx, &args) || !scan_args::ParseOptions(cx, &args)) return;
  uint64_t cursor = args.cursor;
  int64_t count = args.count;
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  Items out;
  uint64_t next = 0;
  if (e) {
    auto take = [&](std::string_view m, double s) {
      if (args.Match(m)) out.emplace_back(m, s);
    };
    const ZSet* z = Z(e);
    if (z->is_listpack()) {
      z->Scan(0, take);
    } else {
      // Bounded work, as Redis: stop after COUNT elements or COUNT*10 buckets.
      next = cursor;
      int64_t buckets = std::min<int64_t>(count, INT64_MAX / 16) * scan_args::kBucketsPerElement;
      do {
        next = z->Scan(next, take);
      } while (next != 0 && --buckets > 0 && out.size() < static_cast<size_t>(count));
    }
  }
  cx.rb().Array(2);
  cx.rb().Bulk(std::to_string(next));
  cx.rb().Array(out.size() * 2);
  for (const auto& [m, s] : out) {
    cx.rb().Bulk(m);
    cx.rb().Bulk(FormatDouble(s));
  }
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER key [count [WITHSCORES]]

uint64_t Rng() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

void CmdZRandMember(CmdContext& cx) {
  if (cx.argc() > 4) return cx.rb().Error(kErrSyntax);
  bool withscores = false;
  int64_t count = 0;
  bool has_count = cx.argc() >= 3;
  if (has_count && !ParseInt64(cx.arg(2), &count)) return cx.rb().Error(kErrNotInteger);
  if (cx.argc() == 4) {
    if (!EqualsIgnoreCase(cx.arg(3), "WITHSCORES")) return cx.rb().Error(kErrSyntax);
    withscores = true;
  }
  if (has_count && count == INT64_MIN) return cx.rb().Error(kErrRandRange);
  // 7.2: a negative count WITHSCORES would overflow the reply length.
  if (withscores && count < -(INT64_MAX / 2)) return cx.rb().Error(kErrRandCount);
  Db& db = cx.DbFor(cx.arg(1));
  Entry* e;
  if (!Lookup(cx, db, cx.arg(1), true, &e)) return;
  if (!has_count) {
    if (!e) return cx.rb().Null();
    const ZSet* z = Z(e);
    return cx.rb().Bulk(z->At(Rng() % z->size()).first);
  }
  if (!e || count == 0) return cx.rb().Array(0);
  const ZSet* z = Z(e);
  size_t size = z->size();
  Items out;
  if (count < 0) {
    out.reserve(static_cast<size_t>(std::min<int64_t>(-count, 1 << 20)));
    for (int64_t i = 0; i < -count; ++i) {
      auto [m, s] = z->At(Rng() % size);
      out.emplace_back(m, s);
    }
  } else if (static_cast<size_t>(count) >= size) {
    z->Walk(0, size, false, [&](std::string_view m, double s) { out.emplace_back(m, s); });
  } else if (static_cast<size_t>(count) * 3 > size) {
    // Most of the set: pick ranks by a partial Fisher-Yates shuffle.
    std::vector<size_t> ranks(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < static_cast<size_t>(count); ++i) {
      std::swap(ranks[i], ranks[i + Rng() % (size - i)]);
      auto [m, s] = z->At(ranks[i]);
      out.emplace_back(m, s);
    }
  } else {
    // A small share: draw ranks until `count` distinct ones.
    std::unordered_set<size_t> picked;
    while (out.size() < static_cast<size_t>(count)) {
      size_t r = Rng() % size;
      if (!picked.insert(r).second) continue;
      auto [m, s] = z->At(r);
      out.emplace_back(m, s);
    }
  }
  ReplyItems(cx.rb(), out, withscores);
}

}  // namespace

void RegisterZSetFamily(CommandRegistry& reg) {
  RegisterOps();
  const char* cat = "sortedset";
  reg.Add({"zadd", -4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdZAdd, cat, member_codec::ZAddMembers});
  reg.Add({"zincrby", 4, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdZIncrBy, cat, member_codec::At3});
  reg.Add({"zrem", -3, kWrite | kFast, {1, 1, 1}, CmdZRem, cat, member_codec::AllFrom2});
  reg.Add({"zcard", 2, kReadOnly | kFast, {1, 1, 1}, CmdZCard, cat});
  reg.Add({"zscore", 3, kReadOnly | kFast, {1, 1, 1}, CmdZScore, cat});
  reg.Add({"zmscore", -3, kReadOnly | kFast, {1, 1, 1}, CmdZMScore, cat});
  // Redis 7.2 arity (-3: WITHSCORE); 7.0 says 3.
  reg.Add({"zrank", -3, kReadOnly | kFast, {1, 1, 1}, CmdZRank, cat});
  reg.Add({"zrevrank", -3, kReadOnly | kFast, {1, 1, 1}, CmdZRevRank, cat});
  reg.Add({"zscan", -3, kReadOnly, {1, 1, 1}, CmdZScan, cat});
  reg.Add({"zrandmember", -2, kReadOnly, {1, 1, 1}, CmdZRandMember, cat});
  RegisterZSetRangeCommands(reg);
  RegisterZSetAlgebraCommands(reg);
  RegisterZSetPopCommands(reg);
}

}  // namespace yotta
