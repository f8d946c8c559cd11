// YottaStore. Licensed under the Apache License 2.0.
// Sorted-set algebra: ZUNION ZINTER ZDIFF, their STORE forms (WEIGHTS,
// AGGREGATE SUM|MIN|MAX, WITHSCORES) and ZINTERCARD. Inputs may live on
// different shards; the dispatcher holds them all, so this is plain code.
// Plain sets are valid inputs (score 1), as in Redis.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/str_util.h"
#include "commands/set_object.h"
#include "commands/zset_common.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {
using namespace zset_cmd;

constexpr std::string_view kErrWeight = "ERR weight value is not a float";
constexpr std::string_view kErrLimitNeg = "ERR LIMIT can't be negative";

enum class SetOp { kUnion, kInter, kDiff };
enum class Agg { kSum, kMin, kMax };

std::string ErrNoKeys(std::string_view cmd) {
  return "ERR at least 1 input key is needed for '" + std::string(cmd) + "' command";
}

// ZUNIONSTORE dst numkeys k1 .. kn [...]: dst and the n inputs.
bool FindStoreKeys(std::span<const std::string_view> args, std::vector<int>* out) {
  int64_t n;
  if (args.size() < 4 || !ParseInt64(args[2], &n) || n < 1 ||
      n > static_cast<int64_t>(args.size()) - 3) {
    return false;
  }
  out->push_back(1);
  for (int64_t i = 0; i < n; ++i) out->push_back(static_cast<int>(3 + i));
  return true;
}

// Redis's zunionInterAggregate, exactly: the order of the operands decides
// the last bits of a SUM and whether MIN/MAX keep 0 or -0; a NaN `v` (an
// unclean inf * 0 of ZINTER) never wins MIN/MAX; a NaN sum becomes 0.
void Accumulate(double* target, double v, Agg agg) {
  if (agg == Agg::kSum) {
    *target = *target + v;
    if (std::isnan(*target)) *target = 0;  // inf + -inf, or v NaN
  } else if (agg == Agg::kMin) {
    *target = v < *target ? v : *target;
  } else {
    *target = v > *target ? v : *target;
  }
}

// One input: a sorted set, a plain set (every member scores 1, as Redis),
// or a missing key (both null).
struct Input {
  const ZSet* z = nullptr;
  void* set = nullptr;
  double weight = 1;

  bool missing() const { return !z && !set; }
  size_t size() const { return z ? z->size() : set ? set_obj::Size(set) : 0; }
  std::optional<double> Score(std::string_view m) const {
    if (z) return z->Score(m);
    if (set && set_obj::Contains(set, m)) return 1.0;
    return std::nullopt;
  }
  template <class F>
  void ForEach(F&& fn) const {
    if (z) z->Walk(0, z->size(), false, fn);
    if (set) set_obj::ForEach(set, [&](std::string_view m) { fn(m, 1.0); });
  }
};

// The weighted score of a first occurrence: inf * 0 counts as 0 (Redis
// cleans only these; see Compute).
double Weighted(double s, double w) {
  double v = w * s;
  return std::isnan(v) ? 0.0 : v;
}

// Computes the result of `op` over the inputs, sorted by (score, member).
// Union and intersection visit the inputs as Redis does: stably sorted by
// cardinality, smallest first (glibc's qsort is a stable merge sort), so
// sums round and 0 / -0 ties resolve identically.
Items Compute(std::vector<Input> in, SetOp op, Agg agg) {
  std::unordered_map<std::string, double> acc;
  if (op != SetOp::kDiff) {
    std::stable_sort(in.begin(), in.end(),
                     [](const Input& a, const Input& b) { return a.size() < b.size(); });
  }
  if (op == SetOp::kUnion) {
    // Every weighted score is NaN-cleaned before it is aggregated.
    for (const Input& x : in) {
      x.ForEach([&](std::string_view m, double s) {
        double v = Weighted(s, x.weight);
        auto [it, fresh] = acc.try_emplace(std::string(m), v);
        if (!fresh) Accumulate(&it->second, v, agg);
      });
    }
  } else if (op == SetOp::kInter) {
    // Walk the smallest input, probe the others in order. Only the first
    // input's weighted score is NaN-cleaned; the others go in raw.
    if (in[0].missing()) return {};
    in[0].ForEach([&](std::string_view m, double s) {
      double v = Weighted(s, in[0].weight);
      for (size_t i = 1; i < in.size(); ++i) {
        std::optional<double> o = in[i].Score(m);
        if (!o) return;
        Accumulate(&v, *o * in[i].weight, agg);
      }
      acc.emplace(std::string(m), v);
    });
  } else {
    in[0].ForEach([&](std::string_view m, double s) {
      for (size_t i = 1; i < in.size(); ++i) {
        if (in[i].Score(m)) return;
      }
      acc.emplace(std::string(m), s);
    });
  }
  Items out(acc.begin(), acc.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return out;
}

// The engine of all six commands plus ZINTERCARD (card_only). numkeys_at is
// the index of numkeys; store: arg(1) is the destination.
void AlgebraGeneric(CmdContext& cx, size_t numkeys_at, SetOp op, bool store, bool card_only) {
  int64_t n;
  if (!ParseInt64(cx.arg(numkeys_at), &n)) return cx.rb().Error(kErrNotInteger);
  if (n < 1) return cx.rb().Error(ErrNoKeys(cx.spec().name));
  if (n > static_cast<int64_t>(cx.argc() - numkeys_at - 1)) return cx.rb().Error(kErrSyntax);
  std::vector<Input> in(n);
  for (int64_t i = 0; i < n; ++i) {
    std::string_view key = cx.arg(numkeys_at + 1 + i);
    Db& db = cx.DbFor(key);
    Entry* e = db.FindRead(key);  // Redis: lookupKeyRead, STORE forms too
    if (e && e->type() == ObjType::kZSet) {
      in[i].z = Z(e);
    } else if (e && e->type() == ObjType::kSet) {
      in[i].set = e->obj();
    } else if (e) {
      return cx.rb().Error(kErrWrongType);
    }
  }
  Agg agg = Agg::kSum;
  bool withscores = false;
  int64_t limit = 0;
  size_t j = numkeys_at + 1 + n;
  while (j < cx.argc()) {
    size_t remaining = cx.argc() - j;
    std::string_view a = cx.arg(j);
    if (op != SetOp::kDiff && !card_only && remaining >= static_cast<size_t>(n) + 1 &&
        EqualsIgnoreCase(a, "WEIGHTS")) {
      for (int64_t i = 0; i < n; ++i) {
        if (!ParseDouble(cx.arg(j + 1 + i), &in[i].weight)) return cx.rb().Error(kErrWeight);
      }
      j += n + 1;
    } else if (op != SetOp::kDiff && !card_only && remaining >= 2 &&
               EqualsIgnoreCase(a, "AGGREGATE")) {
      std::string_view v = cx.arg(j + 1);
      if (EqualsIgnoreCase(v, "SUM")) agg = Agg::kSum;
      else if (EqualsIgnoreCase(v, "MIN")) agg = Agg::kMin;
      else if (EqualsIgnoreCase(v, "MAX")) agg = Agg::kMax;
      else return cx.rb().Error(kErrSyntax);
      j += 2;
    } else if (!store && !card_only && EqualsIgnoreCase(a, "WITHSCORES")) {
      withscores = true;
      j += 1;
    } else if (card_only && remaining >= 2 && EqualsIgnoreCase(a, "LIMIT")) {
      // Redis's getPositiveLong...OrReply: one text for junk and negatives.
      if (!ParseInt64(cx.arg(j + 1), &limit) || limit < 0) return cx.rb().Error(kErrLimitNeg);
      j += 2;
    } else {
      return cx.rb().Error(kErrSyntax);
    }
  }
  if (card_only) {
    Items r = Compute(in, op, agg);
    size_t c = r.size();
    if (limit > 0) c = std::min(c, static_cast<size_t>(limit));
    return cx.rb().Integer(static_cast<int64_t>(c));
  }
  Items r = Compute(in, op, agg);
  if (store) {
    StoreItems(cx.DbFor(cx.arg(1)), cx.arg(1), r);
    return cx.rb().Integer(static_cast<int64_t>(r.size()));
  }
  ReplyItems(cx.rb(), r, withscores);
}

void CmdZUnion(CmdContext& cx) { AlgebraGeneric(cx, 1, SetOp::kUnion, false, false); }
void CmdZInter(CmdContext& cx) { AlgebraGeneric(cx, 1, SetOp::kInter, false, false); }
void CmdZDiff(CmdContext& cx) { AlgebraGeneric(cx, 1, SetOp::kDiff, false, false); }
void CmdZUnionStore(CmdContext& cx) { AlgebraGeneric(cx, 2, SetOp::kUnion, true, false); }
void CmdZInterStore(CmdContext& cx) { AlgebraGeneric(cx, 2, SetOp::kInter, true, false); }
void CmdZDiffStore(CmdContext& cx) { AlgebraGeneric(cx, 2, SetOp::kDiff, true, false); }
void CmdZInterCard(CmdContext& cx) { AlgebraGeneric(cx, 1, SetOp::kInter, false, true); }

}  // namespace

void RegisterZSetAlgebraCommands(CommandRegistry& reg) {
  const char* cat = "sortedset";
  KeySpec store{1, 1, 1, 0, FindStoreKeys};
  reg.Add({"zunion", -3, kReadOnly, KeySpec::NumKeysAt(1), CmdZUnion, cat});
  reg.Add({"zinter", -3, kReadOnly, KeySpec::NumKeysAt(1), CmdZInter, cat});
  reg.Add({"zdiff", -3, kReadOnly, KeySpec::NumKeysAt(1), CmdZDiff, cat});
  reg.Add({"zintercard", -3, kReadOnly, KeySpec::NumKeysAt(1), CmdZInterCard, cat});
  reg.Add({"zunionstore", -4, kWrite | kDenyOom, store, CmdZUnionStore, cat});
  reg.Add({"zinterstore", -4, kWrite | kDenyOom, store, CmdZInterStore, cat});
  reg.Add({"zdiffstore", -4, kWrite | kDenyOom, store, CmdZDiffStore, cat});
}

}  // namespace yotta
