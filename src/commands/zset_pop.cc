// YottaStore. Licensed under the Apache License 2.0.
// Sorted-set pops: ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX
// BZMPOP (server/blocking.h parks the client; the serve functions below
// pop when a key becomes ready).
#include "base/str_util.h"
#include "commands/zset_common.h"
#include "server/blocking.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {
using namespace zset_cmd;

constexpr std::string_view kErrPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kErrNumKeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kErrCount = "ERR count should be greater than 0";

bool IsMax(CmdContext& cx) {
  std::string_view n = cx.spec().name;
  return n == "zpopmax" || n == "bzpopmax";
}

// ZPOPMIN/ZPOPMAX key [count]
void CmdZPop(CmdContext& cx) {
  if (cx.argc() > 3) return cx.rb().Error(kErrSyntax);
  int64_t count = -1;
  if (cx.argc() == 3 && (!ParseInt64(cx.arg(2), &count) || count < 0)) {
    return cx.rb().Error(kErrPositive);
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry* e;
  if (!Lookup(cx, db, key, false, &e)) return;
  if (!e || count == 0) return cx.rb().Array(0);
  Items out = PopN(db, key, e, count < 0 ? 1 : static_cast<size_t>(count), IsMax(cx));
  // RESP3 nests [member, score] pairs only when a count was given.
  if (count >= 0 && cx.rb().resp() >= 3) return ReplyPairs(cx.rb(), out, true);
  cx.rb().Array(out.size() * 2);
  for (const auto& [m, s] : out) {
    cx.rb().Bulk(m);
    cx.rb().Double(s);
  }
}

// Parsed [B]ZMPOP arguments after numkeys: keys, MIN|MAX, COUNT.
struct MPopArgs {
  size_t first_key = 0;
  size_t nkeys = 0;
  bool max = false;
  int64_t count = 1;
};

[[nodiscard]] bool ParseMPop(CmdContext& cx, size_t numkeys_at, MPopArgs* a) {
  int64_t n;
  if (!ParseInt64(cx.arg(numkeys_at), &n) || n < 1) {
    cx.rb().Error(kErrNumKeys);
    return false;
  }
  size_t where = numkeys_at + 1 + static_cast<size_t>(n);
  if (n > static_cast<int64_t>(cx.argc()) || where >= cx.argc()) {
    cx.rb().Error(kErrSyntax);
    return false;
  }
  a->first_key = numkeys_at + 1;
  a->nkeys = static_cast<size_t>(n);
  if (EqualsIgnoreCase(cx.arg(where), "MAX")) {
    a->max = true;
  } else if (!EqualsIgnoreCase(cx.arg(where), "MIN")) {
    cx.rb().Error(kErrSyntax);
    return false;
  }
  bool has_count = false;
  for (size_t j = where + 1; j < cx.argc(); ++j) {
    if (!has_count && EqualsIgnoreCase(cx.arg(j), "COUNT") && j + 1 < cx.argc()) {
      if (!ParseInt64(cx.arg(j + 1), &a->count) || a->count < 1) {
        cx.rb().Error(kErrCount);
        return false;
      }
      has_count = true;
      ++j;
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// Pops from `key` and replies [key, [[m, s]...]] (nested) or [key, m, s]
// (flat, BZPOPMIN/MAX). Returns false (no reply) if the key holds no zset.
bool PopReply(CmdContext& cx, std::string_view key, size_t count, bool max, bool nested) {
  Db& db = cx.DbFor(key);
  Entry* e = db.Find(key);
  if (!e || e->type() != ObjType::kZSet) return false;
  std::string k(key);  // key may point into the entry we delete
  Items out = PopN(db, k, e, count, max);
  if (nested) {
    cx.rb().Array(2);
    cx.rb().Bulk(k);
    ReplyPairs(cx.rb(), out, true);
  } else {
    cx.rb().Array(out.size() * 2 + 1);
    cx.rb().Bulk(k);
    for (const auto& [m, s] : out) {
      cx.rb().Bulk(m);
      cx.rb().Double(s);
    }
  }
  return true;
}

// Tries keys in order; WRONGTYPE for a non-zset met first. Returns true if
// a reply was written.
bool TryPop(CmdContext& cx, std::span<const std::string_view> keys, size_t count, bool max,
            bool nested) {
  for (std::string_view key : keys) {
    Entry* e;
    if (!Lookup(cx, cx.DbFor(key), key, false, &e)) return true;
    if (e) return PopReply(cx, key, count, max, nested);
  }
  return false;
}

void CmdZMPop(CmdContext& cx) {
  MPopArgs a;
  if (!ParseMPop(cx, 1, &a)) return;
  if (!TryPop(cx, cx.args().subspan(a.first_key, a.nkeys), a.count, a.max, true)) {
    cx.rb().NullArray();
  }
}

// ---------------------------------------------------------------------------
// Blocking forms.

ServeResult ServeBZPop(CmdContext& cx, std::string_view key, bool all_held) {
  return PopReply(cx, key, 1, IsMax(cx), false) ? ServeResult::kServed : ServeResult::kNotServed;
}

ServeResult ServeBZMPop(CmdContext& cx, std::string_view key, bool all_held) {
  MPopArgs a;
  std::string scratch;
  ReplyBuilder quiet(&scratch, cx.rb().resp());
  CmdContext probe(&cx.spec(), cx.args(), &quiet, cx.db_index(), nullptr, &cx.shards());
  if (!ParseMPop(probe, 2, &a)) return ServeResult::kNotServed;  // validated when blocking
  return PopReply(cx, key, a.count, a.max, true) ? ServeResult::kServed : ServeResult::kNotServed;
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout
void CmdBZPop(CmdContext& cx) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(cx, cx.arg(cx.argc() - 1), &timeout_ms)) return;
  auto keys = cx.args().subspan(1, cx.argc() - 2);
  if (TryPop(cx, keys, 1, IsMax(cx), false)) return;
  if (!cx.conn()) return cx.rb().NullArray();
  BlockClient(cx, keys, timeout_ms, ServeBZPop);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void CmdBZMPop(CmdContext& cx) {
  MPopArgs a;
  if (!ParseMPop(cx, 2, &a)) return;
  int64_t timeout_ms;
  if (!ParseBlockTimeout(cx, cx.arg(1), &timeout_ms)) return;
  auto keys = cx.args().subspan(a.first_key, a.nkeys);
  if (TryPop(cx, keys, a.count, a.max, true)) return;
  if (!cx.conn()) return cx.rb().NullArray();
  BlockClient(cx, keys, timeout_ms, ServeBZMPop);
}

}  // namespace

void RegisterZSetPopCommands(CommandRegistry& reg) {
  const char* cat = "sortedset";
  reg.Add({"zpopmin", -2, kWrite | kFast, {1, 1, 1}, CmdZPop, cat});
  reg.Add({"zpopmax", -2, kWrite | kFast, {1, 1, 1}, CmdZPop, cat});
  reg.Add({"zmpop", -4, kWrite, KeySpec::NumKeysAt(1), CmdZMPop, cat});
  reg.Add({"bzpopmin", -3, kWrite | kNoScript | kBlocking | kFast, {1, -2, 1}, CmdBZPop, cat});
  reg.Add({"bzpopmax", -3, kWrite | kNoScript | kBlocking | kFast, {1, -2, 1}, CmdBZPop, cat});
  reg.Add({"bzmpop", -5, kWrite | kBlocking, KeySpec::NumKeysAt(2), CmdBZMPop, cat});
}

}  // namespace yotta
