// YottaStore. Licensed under the Apache License 2.0.
// Sorted-set range commands: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES),
// ZRANGESTORE, the legacy ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX,
// ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK/SCORE/LEX. Every range is turned
// into a rank interval first (zset_common.h), then walked.
#include "base/str_util.h"
#include "commands/zset_common.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/errors.h"

namespace yotta {
namespace {
using namespace zset_cmd;

constexpr std::string_view kErrLimitRank =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kErrWithscoresLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Rank bounds of ZRANGE start stop over `size` elements, Redis's clamping.
std::pair<size_t, size_t> ClampRanks(int64_t start, int64_t end, size_t size) {
  int64_t n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return {0, 0};
  if (end >= n) end = n - 1;
  return {static_cast<size_t>(start), static_cast<size_t>(end) + 1};
}

// The shared engine of every range read/store command. `first` is the
// index of the key argument (ZRANGESTORE: the source, after dst).
void RangeGeneric(CmdContext& cx, size_t first, RangeType type, Direction dir, bool store) {
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = first + 3; j < cx.argc(); ++j) {
    std::string_view a = cx.arg(j);
    size_t left = cx.argc() - j - 1;
    if (!store && EqualsIgnoreCase(a, "WITHSCORES")) {
      withscores = true;
    } else if (EqualsIgnoreCase(a, "LIMIT") && left >= 2) {
      if (!ParseInt64(cx.arg(j + 1), &offset) || !ParseInt64(cx.arg(j + 2), &limit)) {
        return cx.rb().Error(kErrNotInteger);
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsIgnoreCase(a, "REV")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(a, "BYLEX")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(a, "BYSCORE")) {
      type = RangeType::kScore;
    } else {
      return cx.rb().Error(kErrSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) return cx.rb().Error(kErrLimitRank);
  if (withscores && type == RangeType::kLex) return cx.rb().Error(kErrWithscoresLex);
  bool rev = dir == Direction::kReverse;
  std::string_view min = cx.arg(first + 1), max = cx.arg(first + 2);
  if (rev && type != RangeType::kRank) std::swap(min, max);

  int64_t start = 0, end = 0;
  ScoreRange sr;
  LexRange lr;
  if (type == RangeType::kRank) {
    if (!ParseInt64(min, &start) || !ParseInt64(max, &end)) return cx.rb().Error(kErrNotInteger);
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(min, max, &sr)) return cx.rb().Error(kErrMinMaxFloat);
  } else if (!ParseLexRange(min, max, &lr)) {
    return cx.rb().Error(kErrLexRange);
  }

  std::string_view key = cx.arg(first);
  Entry* e;
  if (!Lookup(cx, cx.DbFor(key), key, true, &e)) return;
  Items out;
  if (e) {
    const ZSet* z = Z(e);
    size_t lo, hi;
    if (type == RangeType::kRank) {
      std::tie(lo, hi) = ClampRanks(start, end, z->size());
      if (rev && lo < hi) std::tie(lo, hi) = std::pair{z->size() - hi, z->size() - lo};
    } else {
      std::tie(lo, hi) = type == RangeType::kScore ? RanksOf(z, sr) : RanksOf(z, lr);
      if (offset < 0) hi = lo;
      size_t off = std::min(static_cast<size_t>(std::max<int64_t>(offset, 0)), hi - lo);
      size_t cnt = limit < 0 ? hi - lo - off : std::min(static_cast<size_t>(limit), hi - lo - off);
      if (rev) {
        hi -= off;
        lo = hi - cnt;
      } else {
        lo += off;
        hi = lo + cnt;
      }
    }
    out.reserve(hi - lo);
    z->Walk(lo, hi, rev, [&](std::string_view m, double s) { out.emplace_back(m, s); });
  }
  if (store) {
    // Redis sizes the destination by the rank count only (score and lex
    // ranges announce no length), then inserts in emission order.
    auto max_lp = Config::Get().zset_max_listpack_entries.load(std::memory_order_relaxed);
    bool big = type == RangeType::kRank && static_cast<int64_t>(out.size()) > max_lp;
    StoreInOrder(cx.DbFor(cx.arg(1)), cx.arg(1), out, big);
    return cx.rb().Integer(static_cast<int64_t>(out.size()));
  }
  ReplyItems(cx.rb(), out, withscores);
}

void CmdZRange(CmdContext& cx) { RangeGeneric(cx, 1, RangeType::kAuto, Direction::kAuto, false); }
void CmdZRangeStore(CmdContext& cx) { RangeGeneric(cx, 2, RangeType::kAuto, Direction::kAuto, true); }
void CmdZRevRange(CmdContext& cx) { RangeGeneric(cx, 1, RangeType::kRank, Direction::kReverse, false); }
void CmdZRangeByScore(CmdContext& cx) {
  RangeGeneric(cx, 1, RangeType::kScore, Direction::kForward, false);
}
void CmdZRevRangeByScore(CmdContext& cx) {
  RangeGeneric(cx, 1, RangeType::kScore, Direction::kReverse, false);
}
void CmdZRangeByLex(CmdContext& cx) { RangeGeneric(cx, 1, RangeType::kLex, Direction::kForward, false); }
void CmdZRevRangeByLex(CmdContext& cx) {
  RangeGeneric(cx, 1, RangeType::kLex, Direction::kReverse, false);
}

// ---------------------------------------------------------------------------
// ZCOUNT / ZLEXCOUNT

template <class Range>
void CountGeneric(CmdContext& cx, const Range& r) {
  Entry* e;
  if (!Lookup(cx, cx.DbFor(cx.arg(1)), cx.arg(1), true, &e)) return;
  if (!e) return cx.rb().Integer(0);
  auto [lo, hi] = RanksOf(Z(e), r);
  cx.rb().Integer(static_cast<int64_t>(hi - lo));
}

void CmdZCount(CmdContext& cx) {
  ScoreRange r;
  if (!ParseScoreRange(cx.arg(2), cx.arg(3), &r)) return cx.rb().Error(kErrMinMaxFloat);
  CountGeneric(cx, r);
}

void CmdZLexCount(CmdContext& cx) {
  LexRange r;
  if (!ParseLexRange(cx.arg(2), cx.arg(3), &r)) return cx.rb().Error(kErrLexRange);
  CountGeneric(cx, r);
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK / BYSCORE / BYLEX

void RemoveRanks(CmdContext& cx, Entry* e, size_t lo, size_t hi) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  ZSet* z = Z(e);
  size_t before = z->bytes();
  std::vector<std::string> members;
  members.reserve(hi - lo);
  z->Walk(lo, hi, false, [&](std::string_view m, double) { members.emplace_back(m); });
  for (const std::string& m : members) z->Erase(m);
  Finish(db, key, z, before);
  cx.rb().Integer(static_cast<int64_t>(members.size()));
}

void CmdZRemRangeByRank(CmdContext& cx) {
  int64_t start, end;
  if (!ParseInt64(cx.arg(2), &start) || !ParseInt64(cx.arg(3), &end)) {
    return cx.rb().Error(kErrNotInteger);
  }
  Entry* e;
  if (!Lookup(cx, cx.DbFor(cx.arg(1)), cx.arg(1), false, &e)) return;
  if (!e) return cx.rb().Integer(0);
  auto [lo, hi] = ClampRanks(start, end, Z(e)->size());
  RemoveRanks(cx, e, lo, hi);
}

template <class Range>
void RemRangeGeneric(CmdContext& cx, const Range& r) {
  Entry* e;
  if (!Lookup(cx, cx.DbFor(cx.arg(1)), cx.arg(1), false, &e)) return;
  if (!e) return cx.rb().Integer(0);
  auto [lo, hi] = RanksOf(Z(e), r);
  RemoveRanks(cx, e, lo, hi);
}

void CmdZRemRangeByScore(CmdContext& cx) {
  ScoreRange r;
  if (!ParseScoreRange(cx.arg(2), cx.arg(3), &r)) return cx.rb().Error(kErrMinMaxFloat);
  RemRangeGeneric(cx, r);
}

void CmdZRemRangeByLex(CmdContext& cx) {
  LexRange r;
  if (!ParseLexRange(cx.arg(2), cx.arg(3), &r)) return cx.rb().Error(kErrLexRange);
  RemRangeGeneric(cx, r);
}

}  // namespace

void RegisterZSetRangeCommands(CommandRegistry& reg) {
  const char* cat = "sortedset";
  reg.Add({"zrange", -4, kReadOnly, {1, 1, 1}, CmdZRange, cat});
  reg.Add({"zrangestore", -5, kWrite | kDenyOom, {1, 2, 1}, CmdZRangeStore, cat});
  reg.Add({"zrevrange", -4, kReadOnly, {1, 1, 1}, CmdZRevRange, cat});
  reg.Add({"zrangebyscore", -4, kReadOnly, {1, 1, 1}, CmdZRangeByScore, cat});
  reg.Add({"zrevrangebyscore", -4, kReadOnly, {1, 1, 1}, CmdZRevRangeByScore, cat});
  reg.Add({"zrangebylex", -4, kReadOnly, {1, 1, 1}, CmdZRangeByLex, cat});
  reg.Add({"zrevrangebylex", -4, kReadOnly, {1, 1, 1}, CmdZRevRangeByLex, cat});
  reg.Add({"zcount", 4, kReadOnly | kFast, {1, 1, 1}, CmdZCount, cat});
  reg.Add({"zlexcount", 4, kReadOnly | kFast, {1, 1, 1}, CmdZLexCount, cat});
  reg.Add({"zremrangebyrank", 4, kWrite, {1, 1, 1}, CmdZRemRangeByRank, cat});
  reg.Add({"zremrangebyscore", 4, kWrite, {1, 1, 1}, CmdZRemRangeByScore, cat});
  reg.Add({"zremrangebylex", 4, kWrite, {1, 1, 1}, CmdZRemRangeByLex, cat});
}

}  // namespace yotta
