// YottaStore. Licensed under the Apache License 2.0.
// Set algebra over several keys: SINTER SINTERCARD SINTERSTORE SUNION
// SUNIONSTORE SDIFF SDIFFSTORE. Keys may live on different shards; the
// dispatcher holds them all, so each key's Db is simply cx.DbFor(key).
// Missing keys are empty sets. *STORE results start as an intset and take
// their encoding from the members added, as Redis 7.2 does.
#include <algorithm>
#include <string>
#include <vector>

#include "commands/set_object.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrNumKeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrNumKeysTooMany = "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kErrLimitNegative = "ERR LIMIT can't be negative";

// The set objects of keys [first, first+n) (nullptr for a missing key), or
// false after replying WRONGTYPE if any key holds another type.
bool LoadSets(CmdContext& cx, size_t first, size_t n, std::vector<void*>* sets) {
  for (size_t i = first; i < first + n; ++i) {
    bool wrong;
    Entry* e = set_obj::Find(cx.DbFor(cx.arg(i)), cx.arg(i), true, &wrong);
    if (wrong) {
      cx.rb().Error(kErrWrongType);
      return false;
    }
    sets->push_back(e ? e->obj() : nullptr);
  }
  return true;
}

// Calls fn(member) for each member of the intersection, smallest set
// first, until fn returns false.
template <class F>
void Intersect(std::vector<void*> sets, F&& fn) {
  for (void* s : sets) {
    if (!s) return;
  }
  std::sort(sets.begin(), sets.end(),
            [](void* a, void* b) { return set_obj::Size(a) < set_obj::Size(b); });
  set_obj::ForEachWhile(sets[0], [&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (!set_obj::Contains(sets[i], m)) return true;
    }
    return fn(m);
  });
}

// SINTER key... / SINTERSTORE dst key...
void InterGeneric(CmdContext& cx, bool store) {
  size_t first = store ? 2 : 1;
  std::vector<void*> sets;
  if (!LoadSets(cx, first, cx.argc() - first, &sets)) return;
  if (!store) {
    std::vector<std::string> out;
    Intersect(sets, [&](std::string_view m) {
      out.emplace_back(m);
      return true;
    });
    cx.rb().Set(out.size());
    for (const auto& m : out) cx.rb().Bulk(m);
    return;
  }
  void* res = set_obj::CreateIntset();
  Intersect(sets, [&](std::string_view m) {
    bool a;
    res = set_obj::Add(res, m, &a);
    return true;
  });
  size_t n = set_obj::Size(res);
  set_obj::Store(cx.DbFor(cx.arg(1)), cx.arg(1), res);
  cx.rb().Integer(static_cast<int64_t>(n));
}

void CmdSInter(CmdContext& cx) { InterGeneric(cx, false); }
void CmdSInterStore(CmdContext& cx) { InterGeneric(cx, true); }

// SINTERCARD numkeys key... [LIMIT limit]
void CmdSInterCard(CmdContext& cx) {
  int64_t numkeys;
  if (!ParseInt64(cx.arg(1), &numkeys) || numkeys < 1) return cx.rb().Error(kErrNumKeys);
  if (numkeys > static_cast<int64_t>(cx.argc()) - 2) return cx.rb().Error(kErrNumKeysTooMany);
  int64_t limit = 0;
  for (size_t i = 2 + numkeys; i < cx.argc(); i += 2) {
    if (EqualsIgnoreCase(cx.arg(i), "LIMIT") && i + 1 < cx.argc()) {
      if (!ParseInt64(cx.arg(i + 1), &limit) || limit < 0) return cx.rb().Error(kErrLimitNegative);
    } else {
      return cx.rb().Error(kErrSyntax);
    }
  }
  std::vector<void*> sets;
  if (!LoadSets(cx, 2, static_cast<size_t>(numkeys), &sets)) return;
  int64_t card = 0;
  Intersect(sets, [&](std::string_view) { return ++card != limit; });
  cx.rb().Integer(card);
}

// SUNION / SDIFF (and their STORE forms) build the result set.
void* UnionOrDiff(const std::vector<void*>& sets, bool diff) {
  void* res = set_obj::CreateIntset();
  bool a;
  if (!diff) {
    for (void* s : sets) {
      if (s) set_obj::ForEach(s, [&](std::string_view m) { res = set_obj::Add(res, m, &a); });
    }
    return res;
  }
  if (!sets[0]) return res;
  set_obj::ForEach(sets[0], [&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] && (sets[i] == sets[0] || set_obj::Contains(sets[i], m))) return;
    }
    res = set_obj::Add(res, m, &a);
  });
  return res;
}

void UnionDiffGeneric(CmdContext& cx, bool diff, bool store) {
  size_t first = store ? 2 : 1;
  std::vector<void*> sets;
  if (!LoadSets(cx, first, cx.argc() - first, &sets)) return;
  void* res = UnionOrDiff(sets, diff);
  if (!store) {
    set_obj::ReplyMembers(cx.rb(), res);
    set_obj::Free(res);
    return;
  }
  size_t n = set_obj::Size(res);
  set_obj::Store(cx.DbFor(cx.arg(1)), cx.arg(1), res);
  cx.rb().Integer(static_cast<int64_t>(n));
}

void CmdSUnion(CmdContext& cx) { UnionDiffGeneric(cx, false, false); }
void CmdSUnionStore(CmdContext& cx) { UnionDiffGeneric(cx, false, true); }
void CmdSDiff(CmdContext& cx) { UnionDiffGeneric(cx, true, false); }
void CmdSDiffStore(CmdContext& cx) { UnionDiffGeneric(cx, true, true); }

}  // namespace

void RegisterSetAlgebraCommands(CommandRegistry& reg) {
  const char* cat = "set";
  reg.Add({"sinter", -2, kReadOnly, {1, -1, 1}, CmdSInter, cat});
  reg.Add({"sintercard", -3, kReadOnly, KeySpec::NumKeysAt(1), CmdSInterCard, cat});
  reg.Add({"sinterstore", -3, kWrite | kDenyOom, {1, -1, 1}, CmdSInterStore, cat});
  reg.Add({"sunion", -2, kReadOnly, {1, -1, 1}, CmdSUnion, cat});
  reg.Add({"sunionstore", -3, kWrite | kDenyOom, {1, -1, 1}, CmdSUnionStore, cat});
  reg.Add({"sdiff", -2, kReadOnly, {1, -1, 1}, CmdSDiff, cat});
  reg.Add({"sdiffstore", -3, kWrite | kDenyOom, {1, -1, 1}, CmdSDiffStore, cat});
}

}  // namespace yotta
