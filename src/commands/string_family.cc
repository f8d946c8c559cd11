// YottaStore. Licensed under the Apache License 2.0.
// String commands. Values are stored inline in the key's Entry; numbers are
// kept as their decimal text, as Redis replies with them.
#include <string>

#include "base/clock.h"
#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

// Finds a live string entry. Returns nullptr if absent; sets *wrongtype if
// the key holds another type.
Entry* FindString(Db& db, std::string_view key, bool read, bool* wrongtype) {
  Entry* e = read ? db.FindRead(key) : db.Find(key);
  *wrongtype = e && e->type() != ObjType::kString;
  return *wrongtype ? nullptr : e;
}

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

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts-ms|KEEPTTL]
// Expiry options are mutually exclusive, as are NX/XX; a non-positive or
// overflowing time is "invalid expire time". With GET, the old value (or
// nil) is returned instead of OK, and a non-string old value is WRONGTYPE.
void CmdSet(CmdContext& cx) {
  enum { kNone, kNx, kXx } cond = kNone;
  bool get = false, keepttl = false;
  int64_t expire_at = 0;
  const char* unit = nullptr;
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view o = cx.arg(i);
    bool has_next = i + 1 < cx.argc();
    if (EqualsIgnoreCase(o, "NX") && cond != kXx) {
      cond = kNx;
    } else if (EqualsIgnoreCase(o, "XX") && cond != kNx) {
      cond = kXx;
    } else if (EqualsIgnoreCase(o, "GET")) {
      get = true;
    } else if (EqualsIgnoreCase(o, "KEEPTTL") && !unit) {
      keepttl = true;
    } else if (has_next && !unit && !keepttl &&
               (EqualsIgnoreCase(o, "EX") || EqualsIgnoreCase(o, "PX") || EqualsIgnoreCase(o, "EXAT") ||
                EqualsIgnoreCase(o, "PXAT"))) {
      unit = EqualsIgnoreCase(o, "EX") ? "EX" : EqualsIgnoreCase(o, "PX") ? "PX" : EqualsIgnoreCase(o, "EXAT") ? "EXAT" : "PXAT";
      int64_t v;
      if (!ParseInt64(cx.arg(++i), &v)) {
        cx.rb().Error(kErrNotInteger);
        return;
      }
      bool secs = unit[0] == 'E';
      if (v <= 0 || (secs && v > INT64_MAX / 1000)) {
        cx.rb().Error(ErrInvalidExpire("set"));
        return;
      }
      int64_t ms = secs ? v * 1000 : v;
      bool relative = std::string_view(unit).size() == 2;
      if (relative) {
        int64_t now = NowMs();
        if (ms > INT64_MAX - now) {
          cx.rb().Error(ErrInvalidExpire("set"));
          return;
        }
        ms += now;
      }
      expire_at = ms;
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry* old = db.Find(key);
  if (get && old && old->type() != ObjType::kString) {
    cx.rb().Error(kErrWrongType);
    return;
  }
  bool will_set = !((cond == kNx && old) || (cond == kXx && !old));
  if (get) {
    if (old) {
      cx.rb().Bulk(old->str());
    } else {
      cx.rb().Null();
    }
  }
  if (will_set) {
    // An EXAT/PXAT in the past stores nothing but still replies OK, as Redis
    // deletes the key at once.
    if (expire_at && expire_at <= NowMs()) {
      db.Delete(key);
    } else {
      db.SetString(key, cx.arg(2), expire_at, keepttl);
    }
  }
  if (!get) {
    if (will_set) {
      cx.rb().Ok();
    } else {
      cx.rb().Null();
    }
  }
}

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
    cx.rb().Error(ErrWrongArgs("mset"));
    return;
  }
  for (size_t i = 1; i < cx.argc(); i += 2) cx.DbFor(cx.arg(i)).SetString(cx.arg(i), cx.arg(i + 1), 0, false);
  cx.rb().Ok();
}

void CmdMSetNx(CmdContext& cx) {
  if (cx.argc() % 2 == 0) {
    cx.rb().Error(ErrWrongArgs("msetnx"));
    return;
  }
  for (size_t i = 1; i < cx.argc(); i += 2) {
    if (cx.DbFor(cx.arg(i)).Find(cx.arg(i))) {
      cx.rb().Integer(0);
      return;
    }
  }
  for (size_t i = 1; i < cx.argc(); i += 2) cx.DbFor(cx.arg(i)).SetString(cx.arg(i), cx.arg(i + 1), 0, false);
  cx.rb().Integer(1);
}

// INCR/DECR/INCRBY/DECRBY: the value must be a base-10 int64 text.
void IncrBy(CmdContext& cx, int64_t delta) {
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = db.FindLink(key);
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
  if ((delta < 0 && cur < 0 && delta < INT64_MIN - cur) || (delta > 0 && cur > 0 && delta > INT64_MAX - cur)) {
    cx.rb().Error(kErrOverflow);
    return;
  }
  int64_t v = cur + delta;
  std::string text;
  AppendInt(&text, v);
  if (link && (*link)->str_capacity() >= text.size()) {
    Entry* e = *link;
    std::memcpy(e->mutable_str(), text.data(), text.size());
    e->set_val_len(static_cast<uint32_t>(text.size()));
  } else {
    db.SetString(key, text, 0, true);
  }
  cx.rb().Integer(v);
}

bool ParseDelta(CmdContext& cx, int64_t* out) {
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
  if (d == INT64_MIN) {
    cx.rb().Error("ERR decrement would overflow");
    return;
  }
  IncrBy(cx, -d);
}

}  // namespace

void RegisterStringFamily(CommandRegistry& reg) {
  const char* cat = "string";
  reg.Add({"get", 2, kReadOnly | kFast, {1, 1, 1}, CmdGet, cat});
  reg.Add({"set", -3, kWrite | kDenyOom, {1, 1, 1}, CmdSet, cat});
  reg.Add({"mget", -2, kReadOnly | kFast, {1, -1, 1}, CmdMGet, cat});
  reg.Add({"mset", -3, kWrite | kDenyOom, {1, -1, 2}, CmdMSet, cat});
  reg.Add({"msetnx", -3, kWrite | kDenyOom, {1, -1, 2}, CmdMSetNx, cat});
  reg.Add({"incr", 2, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdIncr, cat});
  reg.Add({"decr", 2, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdDecr, cat});
  reg.Add({"incrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdIncrBy, cat});
  reg.Add({"decrby", 3, kWrite | kDenyOom | kFast, {1, 1, 1}, CmdDecrBy, cat});
}

}  // namespace yotta
