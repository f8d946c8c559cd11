// YottaStore. Licensed under the Apache License 2.0.
// String commands: GET/SET and their variants (SETNX SETEX PSETEX GETSET GETDEL
// GETEX), MGET/MSET/MSETNX and the counters (INCR... INCRBYFLOAT). Values are
// stored inline in the key's Entry; numbers as their decimal text, as Redis
// replies with them. The range commands (APPEND SETRANGE GETRANGE LCS ...)
// live in string_range.cc.
#include <cmath>
#include <cstring>
#include <string>

#include "base/clock.h"
#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {

// string_range.cc: APPEND STRLEN GETRANGE SUBSTR SETRANGE LCS.
void RegisterStringRangeCommands(CommandRegistry& reg);

namespace {

constexpr std::string_view kErrDecrOverflow = "ERR decrement would overflow";

// Finds a live string entry. Returns nullptr if absent; sets *wrongtype if
// the key holds another type. `read` counts a keyspace hit or miss.
Entry* FindString(Db& db, std::string_view key, bool read, bool* wrongtype) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  *wrongtype = e && e->type() != ObjType::kString;
  return *wrongtype ? nullptr : e;
}

// The slot of the live entry for `key`, touching its access info as Find
// does (FindLink alone does not); nullptr if absent.
Entry** FindLinkTouch(Db& db, std::string_view key) {
  return db.Find(key) ? db.FindLink(key) : nullptr;
}

// Overwrites the value of the string at `link` keeping its TTL, or creates
// the key when link is null. Reuses the allocation when it has room, so a
// counter updated in a loop does not allocate.
void StoreString(Db& db, Entry** link, std::string_view key, std::string_view val) {
  if (link && (*link)->str_capacity() >= val.size()) {
    Entry* e = *link;
    std::memcpy(e->mutable_str(), val.data(), val.size());
    e->set_val_len(static_cast<uint32_t>(val.size()));
  } else {
    db.SetString(key, val, 0, /*keep_ttl=*/true);
  }
}

// ---------------------------------------------------------------------------
// Options of SET and GETEX.

enum class ExpireUnit { kNone, kEx, kPx, kExAt, kPxAt };

ExpireUnit ExpireUnitOf(std::string_view s) {
  if (EqualsIgnoreCase(s, "EX")) return ExpireUnit::kEx;
  if (EqualsIgnoreCase(s, "PX")) return ExpireUnit::kPx;
  if (EqualsIgnoreCase(s, "EXAT")) return ExpireUnit::kExAt;
  if (EqualsIgnoreCase(s, "PXAT")) return ExpireUnit::kPxAt;
  return ExpireUnit::kNone;
}

bool IsAbsolute(ExpireUnit u) { return u == ExpireUnit::kExAt || u == ExpireUnit::kPxAt; }

struct StringOpts {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keepttl = false;
  bool persist = false;
  ExpireUnit unit = ExpireUnit::kNone;
  std::string_view expire_arg;  // the time, parsed only after every option is known
};

// Parses options from argument `first` on, as Redis does for SET (for_set)
// and GETEX: a flag may repeat, the same expiry option may repeat (the last
// time wins), but NX/XX, and any two of KEEPTTL/PERSIST/different expiry
// units, conflict. Options of the other command, conflicts and a missing
// time are all "syntax error". Replies and returns false on error.
[[nodiscard]] bool ParseStringOpts(CmdContext& cx, size_t first, bool for_set, StringOpts* o) {
  for (size_t i = first; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    ExpireUnit unit = ExpireUnitOf(a);
    bool has_next = i + 1 < cx.argc();
    if (for_set && EqualsIgnoreCase(a, "NX") && !o->xx) {
      o->nx = true;
    } else if (for_set && EqualsIgnoreCase(a, "XX") && !o->nx) {
      o->xx = true;
    } else if (for_set && EqualsIgnoreCase(a, "GET")) {
      o->get = true;
    } else if (for_set && EqualsIgnoreCase(a, "KEEPTTL") && o->unit == ExpireUnit::kNone) {
      o->keepttl = true;
    } else if (!for_set && EqualsIgnoreCase(a, "PERSIST") && o->unit == ExpireUnit::kNone) {
      o->persist = true;
    } else if (unit != ExpireUnit::kNone && has_next && !o->keepttl && !o->persist &&
               (o->unit == ExpireUnit::kNone || o->unit == unit)) {
      o->unit = unit;
      o->expire_arg = cx.arg(++i);
    } else {
      cx.rb().Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// The absolute unix time in ms that an expiry argument names. As Redis:
// a non-integer is "not an integer"; zero, negative, and times that overflow
// when scaled or added to now are "invalid expire time in '<command>'".
[[nodiscard]] bool ExpireAtMs(CmdContext& cx, ExpireUnit unit, std::string_view arg, int64_t* out) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    cx.rb().Error(kErrNotInteger);
    return false;
  }
  bool seconds = unit == ExpireUnit::kEx || unit == ExpireUnit::kExAt;
  bool relative = unit == ExpireUnit::kEx || unit == ExpireUnit::kPx;
  int64_t now = relative ? NowMs() : 0;
  if (v <= 0 || (seconds && v > INT64_MAX / 1000) ||
      (relative && (seconds ? v * 1000 : v) > INT64_MAX - now)) {
    cx.rb().Error(ErrInvalidExpire(cx.spec().name));
    return false;
  }
  *out = (seconds ? v * 1000 : v) + now;
  return true;
}

// ---------------------------------------------------------------------------
// GET, SET and variants.

void CmdGet(CmdContext& cx) {
  bool wrongtype;
  Entry* e = FindString(cx.DbFor(cx.arg(1)), cx.arg(1), true, &wrongtype);
  if (wrongtype) {
    cx.rb().Error(kErrWrongType);
  } else if (!e) {
    cx.rb().Null();
  } else {
    cx.rb().Bulk(e->str());
  }
}

// The body of SET, SETNX, SETEX and PSETEX. Order of checks is Redis's: the
// expiry value, then GET's type check (replying the old value or nil), then
// NX/XX. A met NX/XX condition stores and replies OK (1 when int_reply, as
// SETNX does); an unmet one replies nil (0), or nothing more after GET.
void SetGeneric(CmdContext& cx, const StringOpts& o, std::string_view key, std::string_view val,
                bool int_reply) {
  int64_t expire_at = 0;
  if (o.unit != ExpireUnit::kNone && !ExpireAtMs(cx, o.unit, o.expire_arg, &expire_at)) return;
  Db& db = cx.DbFor(key);
  bool found = false;
  if (o.get) {
    bool wrongtype;
    Entry* old = FindString(db, key, true, &wrongtype);
    if (wrongtype) {
      cx.rb().Error(kErrWrongType);
      return;
    }
    if (old) {
      cx.rb().Bulk(old->str());
    } else {
      cx.rb().Null();
    }
    found = old != nullptr;
  } else if (o.nx || o.xx) {
    found = db.Find(key) != nullptr;
  }
  bool store = !(o.nx && found) && !(o.xx && !found);
  // Only EXAT/PXAT can name a time already past: a relative EX/PX is in the
  // future when parsed, and must expire (and count as expired) normally even
  // if the clock moved on while the command ran.
  if (store && expire_at && IsAbsolute(o.unit) && expire_at <= NowMs()) {
    db.Delete(key);  // EXAT/PXAT in the past: the value would expire at once
  } else if (store) {
    db.SetString(key, val, expire_at, o.keepttl);
  }
  if (o.get) return;
  if (int_reply) {
    cx.rb().Integer(store ? 1 : 0);
  } else if (store) {
    cx.rb().Ok();
  } else {
    cx.rb().Null();
  }
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts-ms|KEEPTTL]
void CmdSet(CmdContext& cx) {
  StringOpts o;
  if (!ParseStringOpts(cx, 3, true, &o)) return;
  SetGeneric(cx, o, cx.arg(1), cx.arg(2), false);
}

void CmdSetNx(CmdContext& cx) {
  StringOpts o;
  o.nx = true;
  SetGeneric(cx, o, cx.arg(1), cx.arg(2), true);
}

// SETEX key seconds value / PSETEX key ms value.
void CmdSetEx(CmdContext& cx) {
  StringOpts o;
  o.unit = ExpireUnit::kEx;
  o.expire_arg = cx.arg(2);
  SetGeneric(cx, o, cx.arg(1), cx.arg(3), false);
}

void CmdPSetEx(CmdContext& cx) {
  StringOpts o;
  o.unit = ExpireUnit::kPx;
  o.expire_arg = cx.arg(2);
  SetGeneric(cx, o, cx.arg(1), cx.arg(3), false);
}

// GETSET key value: replies the old value (or nil) and stores the new one
// without a TTL.
void CmdGetSet(CmdContext& cx) {
  StringOpts o;
  o.get = true;
  SetGeneric(cx, o, cx.arg(1), cx.arg(2), false);
}

void CmdGetDel(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = FindString(db, key, true, &wrongtype);
  if (wrongtype) {
    cx.rb().Error(kErrWrongType);
  } else if (!e) {
    cx.rb().Null();
  } else {
    cx.rb().Bulk(e->str());
    db.Delete(key);
  }
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ts-ms|PERSIST]. A missing key replies
// nil before the expiry value is checked, as in Redis.
void CmdGetEx(CmdContext& cx) {
  StringOpts o;
  if (!ParseStringOpts(cx, 2, false, &o)) return;
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  bool wrongtype;
  Entry* e = FindString(db, key, true, &wrongtype);
  if (wrongtype) {
    cx.rb().Error(kErrWrongType);
    return;
  }
  if (!e) {
    cx.rb().Null();
    return;
  }
  int64_t expire_at = 0;
  if (o.unit != ExpireUnit::kNone && !ExpireAtMs(cx, o.unit, o.expire_arg, &expire_at)) return;
  cx.rb().Bulk(e->str());
  if (expire_at && IsAbsolute(o.unit) && expire_at <= NowMs()) {
    db.Delete(key);
  } else if (expire_at || (o.persist && e->has_expire())) {
    db.SetExpire(db.FindLink(key), expire_at);
  }
}

// ---------------------------------------------------------------------------
// Multi-key. The dispatcher holds every shard involved, so these are atomic.

void CmdMGet(CmdContext& cx) {
  cx.rb().Array(cx.argc() - 1);
  for (size_t i = 1; i < cx.argc(); ++i) {
    Entry* e = cx.DbFor(cx.arg(i)).FindRead(cx.arg(i));
    if (e && e->type() == ObjType::kString) {
      cx.rb().Bulk(e->str());
    } else {
      cx.rb().Null();
    }
  }
}

void CmdMSet(CmdContext& cx) {
  if (cx.argc() % 2 == 0) {
    cx.rb().Error(ErrWrongArgs(cx.spec().name));
    return;
  }
  for (size_t i = 1; i < cx.argc(); i += 2)
    cx.DbFor(cx.arg(i)).SetString(cx.arg(i), cx.arg(i + 1), 0, false);
  cx.rb().Ok();
}

// Sets nothing if any key exists (of any type).
void CmdMSetNx(CmdContext& cx) {
  if (cx.argc() % 2 == 0) {
    cx.rb().Error(ErrWrongArgs(cx.spec().name));
    return;
  }
  for (size_t i = 1; i < cx.argc(); i += 2) {
    if (cx.DbFor(cx.arg(i)).Find(cx.arg(i))) {
      cx.rb().Integer(0);
      return;
    }
  }
  for (size_t i = 1; i < cx.argc(); i += 2)
    cx.DbFor(cx.arg(i)).SetString(cx.arg(i), cx.arg(i + 1), 0, false);
  cx.rb().Integer(1);
}

// ---------------------------------------------------------------------------
// Counters.

// INCR/DECR/INCRBY/DECRBY: the value must be Redis's strict int64 text (no
// spaces, sign '+' or leading zeros); the TTL is kept.
void IncrBy(CmdContext& cx, int64_t delta) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = FindLinkTouch(db, key);
  int64_t cur = 0;
  if (link) {
    Entry* e = *link;
    if (e->type() != ObjType::kString) {
      cx.rb().Error(kErrWrongType);
      return;
    }
    if (!ParseInt64(e->str(), &cur)) {
      cx.rb().Error(kErrNotInteger);
      return;
    }
  }
  if ((delta < 0 && cur < 0 && delta < INT64_MIN - cur) ||
      (delta > 0 && cur > 0 && delta > INT64_MAX - cur)) {
    cx.rb().Error(kErrOverflow);
    return;
  }
  int64_t v = cur + delta;
  std::string text;
  AppendInt(&text, v);
  StoreString(db, link, key, text);
  cx.rb().Integer(v);
}

// The increment argument is checked before the key is looked at.
[[nodiscard]] bool ParseDelta(CmdContext& cx, int64_t* out) {
  if (!ParseInt64(cx.arg(2), out)) {
    cx.rb().Error(kErrNotInteger);
    return false;
  }
  return true;
}

void CmdIncr(CmdContext& cx) { IncrBy(cx, 1); }
void CmdDecr(CmdContext& cx) { IncrBy(cx, -1); }
void CmdIncrBy(CmdContext& cx) {
  int64_t d;
  if (ParseDelta(cx, &d)) IncrBy(cx, d);
}
void CmdDecrBy(CmdContext& cx) {
  int64_t d;
  if (!ParseDelta(cx, &d)) return;
  if (d == INT64_MIN) {  // -d would not fit
    cx.rb().Error(kErrDecrOverflow);
    return;
  }
  IncrBy(cx, -d);
}

// INCRBYFLOAT key increment: long double arithmetic, the result stored and
// replied in Redis's human-friendly form ("%.17Lf", trailing zeros cut).
// Order of checks as Redis: type, stored value, increment, result.
void CmdIncrByFloat(CmdContext& cx) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = FindLinkTouch(db, key);
  long double cur = 0, incr;
  if (link && (*link)->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
    return;
  }
  if ((link && !ParseLongDouble((*link)->str(), &cur)) || !ParseLongDouble(cx.arg(2), &incr)) {
    cx.rb().Error(kErrNotFloat);
    return;
  }
  long double v = cur + incr;
  if (std::isnan(v) || std::isinf(v)) {
    cx.rb().Error(kErrIncrNanInf);
    return;
  }
  std::string text = FormatLongDouble(v);
  StoreString(db, link, key, text);
  cx.rb().Bulk(text);
}

}  // namespace

void RegisterStringFamily(CommandRegistry& reg) {
  const char* cat = "string";
  reg.Add({"get", 2, kReadOnly | kFast, {1, 1, 1}, CmdGet, cat});
  reg.Add({"set", -3, kWrite | kDenyOom, {1, 1, 1}, CmdSet, cat});
  reg.Add({"setnx", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdSetNx, cat});
  reg.Add({"setex", 4, kWrite | kDenyOom, {1, 1, 1}, CmdSetEx, cat});
  reg.Add({"psetex", 4, kWrite | kDenyOom, {1, 1, 1}, CmdPSetEx, cat});
  reg.Add({"getset", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdGetSet, cat});
  reg.Add({"getdel", 2, kWrite | kFast, {1, 1, 1}, CmdGetDel, cat});
  reg.Add({"getex", -2, kWrite | kFast, {1, 1, 1}, CmdGetEx, cat});
  reg.Add({"mget", -2, kReadOnly | kFast, {1, -1, 1}, CmdMGet, cat});
  reg.Add({"mset", -3, kWrite | kDenyOom, {1, -1, 2}, CmdMSet, cat});
  reg.Add({"msetnx", -3, kWrite | kDenyOom, {1, -1, 2}, CmdMSetNx, cat});
  reg.Add({"incr", 2, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdIncr, cat});
  reg.Add({"decr", 2, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdDecr, cat});
  reg.Add({"incrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdIncrBy, cat});
  reg.Add({"decrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdDecrBy, cat});
  reg.Add({"incrbyfloat", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdIncrByFloat, cat});
  RegisterStringRangeCommands(reg);
}

}  // namespace yotta
