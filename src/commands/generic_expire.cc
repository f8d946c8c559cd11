// YottaStore. Licensed under the Apache License 2.0.
// Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL
// EXPIRETIME PEXPIRETIME and PERSIST. Times are absolute Unix milliseconds
// inside; a time at or before now deletes the key at once, as Redis does.
#include <climits>
#include <string>

#include "base/clock.h"
#include "base/str_util.h"
#include "commands/member_codec.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {
namespace {

constexpr std::string_view kErrNxXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kErrGtAndLt =
    "ERR GT and LT options at the same time are not compatible";

enum ExpireFlag : int { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Redis's parseExtendedExpireArgumentsOrReply: options from argument 3 on.
bool ParseExpireFlags(CmdContext& cx, int* flags) {
  for (size_t i = 3; i < cx.argc(); ++i) {
    std::string_view o = cx.arg(i);
    if (EqualsIgnoreCase(o, "NX")) {
      *flags |= kNx;
    } else if (EqualsIgnoreCase(o, "XX")) {
      *flags |= kXx;
    } else if (EqualsIgnoreCase(o, "GT")) {
      *flags |= kGt;
    } else if (EqualsIgnoreCase(o, "LT")) {
      *flags |= kLt;
    } else {
      cx.rb().Error("ERR Unsupported option " + std::string(o));
      return false;
    }
  }
  if ((*flags & kNx) && (*flags & (kXx | kGt | kLt))) {
    cx.rb().Error(kErrNxXxGtLt);
    return false;
  }
  if ((*flags & kGt) && (*flags & kLt)) {
    cx.rb().Error(kErrGtAndLt);
    return false;
  }
  return true;
}

// Whether the NX/XX/GT/LT conditions allow replacing `current` (-1 = no
// expiry, which GT treats as infinite) by `when`.
bool ExpireAllowed(int flags, int64_t current, int64_t when) {
  if ((flags & kNx) && current != -1) return false;
  if ((flags & kXx) && current == -1) return false;
  if ((flags & kGt) && (current == -1 || when <= current)) return false;
  if ((flags & kLt) && current != -1 && when >= current) return false;
  return true;
}

// EXPIRE family. `relative`: the time is from now; `seconds`: its unit.
// Overflow of the unit conversion or of now + time is "invalid expire time".
void ExpireGeneric(CmdContext& cx, bool relative, bool seconds) {
  int flags = 0;
  if (!ParseExpireFlags(cx, &flags)) return;
  int64_t when;
  if (!ParseInt64(cx.arg(2), &when)) {
    cx.rb().Error(kErrNotInteger);
    return;
  }
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      cx.rb().Error(ErrInvalidExpire(cx.spec().name));
      return;
    }
    when *= 1000;
  }
  int64_t now = NowMs();
  int64_t base = relative ? now : 0;
  if (when > INT64_MAX - base) {
    cx.rb().Error(ErrInvalidExpire(cx.spec().name));
    return;
  }
  when += base;
  std::string_view key = cx.arg(1);
  Db& db = cx.DbFor(key);
  Entry** link = db.FindLink(key);
  if (!link) {
    cx.rb().Integer(0);
    return;
  }
  db.Touch(*link);  // a write access, as Redis's lookupKeyWrite
  int64_t current = (*link)->has_expire() ? (*link)->expire_ms() : -1;
  if (!ExpireAllowed(flags, current, when)) {
    cx.rb().Integer(0);
    return;
  }
  if (when <= now) {
    db.DeleteLink(link);
  } else {
    db.SetExpire(link, when);
  }
  cx.rb().Integer(1);
}

void CmdExpire(CmdContext& cx) { ExpireGeneric(cx, true, true); }
void CmdPExpire(CmdContext& cx) { ExpireGeneric(cx, true, false); }
void CmdExpireAt(CmdContext& cx) { ExpireGeneric(cx, false, true); }
void CmdPExpireAt(CmdContext& cx) { ExpireGeneric(cx, false, false); }

// TTL family: -2 missing, -1 no expiry; seconds are rounded to nearest.
// Reading a TTL does not touch the key's access time.
void TtlGeneric(CmdContext& cx, bool ms, bool absolute) {
  Entry* e = cx.DbFor(cx.arg(1)).PeekRead(cx.arg(1));
  if (!e) {
    cx.rb().Integer(-2);
    return;
  }
  if (!e->has_expire()) {
    cx.rb().Integer(-1);
    return;
  }
  int64_t t = absolute ? e->expire_ms() : e->expire_ms() - NowMs();
  if (t < 0) t = 0;
  cx.rb().Integer(ms ? t : (t + 500) / 1000);
}

void CmdTtl(CmdContext& cx) { TtlGeneric(cx, false, false); }
void CmdPTtl(CmdContext& cx) { TtlGeneric(cx, true, false); }
void CmdExpireTime(CmdContext& cx) { TtlGeneric(cx, false, true); }
void CmdPExpireTime(CmdContext& cx) { TtlGeneric(cx, true, true); }

void CmdPersist(CmdContext& cx) {
  Db& db = cx.DbFor(cx.arg(1));
  Entry** link = db.FindLink(cx.arg(1));
  if (link) db.Touch(*link);
  if (!link || !(*link)->has_expire()) {
    cx.rb().Integer(0);
    return;
  }
  db.SetExpire(link, 0);
  cx.rb().Integer(1);
}

}  // namespace

void RegisterExpireCommands(CommandRegistry& reg) {
  const char* cat = "keyspace";
  reg.Add({"expire", -3, kWrite | kFast, {1, 1, 1}, CmdExpire, cat, member_codec::NoMembers});
  reg.Add({"pexpire", -3, kWrite | kFast, {1, 1, 1}, CmdPExpire, cat, member_codec::NoMembers});
  reg.Add({"expireat", -3, kWrite | kFast, {1, 1, 1}, CmdExpireAt, cat, member_codec::NoMembers});
  reg.Add({"pexpireat", -3, kWrite | kFast, {1, 1, 1}, CmdPExpireAt, cat, member_codec::NoMembers});
  reg.Add({"ttl", 2, kReadOnly | kFast, {1, 1, 1}, CmdTtl, cat});
  reg.Add({"pttl", 2, kReadOnly | kFast, {1, 1, 1}, CmdPTtl, cat});
  reg.Add({"expiretime", 2, kReadOnly | kFast, {1, 1, 1}, CmdExpireTime, cat});
  reg.Add({"pexpiretime", 2, kReadOnly | kFast, {1, 1, 1}, CmdPExpireTime, cat});
  reg.Add({"persist", 2, kWrite | kFast, {1, 1, 1}, CmdPersist, cat, member_codec::NoMembers});
}

}  // namespace yotta
