// YottaStore. Licensed under the Apache License 2.0.
// Keyspace commands that work on whole keys: DEL UNLINK EXISTS TOUCH TYPE
// RENAME RENAMENX COPY MOVE, and the registration of the whole generic
// family (expiry, scanning, OBJECT and DUMP/RESTORE live in generic_*.cc and
// dump_restore.cc).
#include <climits>
#include <string>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"

namespace yotta {

// The other generic_*.cc files register their rows through these.
void RegisterExpireCommands(CommandRegistry& reg);
void RegisterScanCommands(CommandRegistry& reg);
void RegisterObjectCommands(CommandRegistry& reg);
void RegisterDumpRestoreCommands(CommandRegistry& reg);

namespace {

constexpr std::string_view kErrCopyUnsupported = "ERR COPY is not supported for this type of key";
constexpr std::string_view kErrNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// Redis's getIntFromObjectOrReply then selectDb: a non-int64 is "not an
// integer", an int64 outside int's range has its own text, an int outside
// 0..databases-1 is "DB index is out of range".
bool ParseDbIndex(CmdContext& cx, std::string_view s, int* out) {
  int64_t v;
  if (!ParseInt64(s, &v)) {
    cx.rb().Error(kErrNotInteger);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    cx.rb().Error(kErrNotInt32);
    return false;
  }
  if (v < 0 || v >= cx.shards().shard(0)->slice().num_dbs()) {
    cx.rb().Error(kErrDbIndex);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// DEL and UNLINK: a key named twice is deleted (and counted) once. UNLINK
// frees values with many elements on the lazy-free thread.
void DeleteKeys(CmdContext& cx, bool lazy) {
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) n += cx.DbFor(cx.arg(i)).Delete(cx.arg(i), lazy);
  cx.rb().Integer(n);
}
void CmdDel(CmdContext& cx) { DeleteKeys(cx, false); }
void CmdUnlink(CmdContext& cx) { DeleteKeys(cx, true); }

// EXISTS counts a key once per mention; it does not touch the access time.
void CmdExists(CmdContext& cx) {
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) n += cx.DbFor(cx.arg(i)).PeekRead(cx.arg(i)) != nullptr;
  cx.rb().Integer(n);
}

void CmdTouch(CmdContext& cx) {
  int64_t n = 0;
  for (size_t i = 1; i < cx.argc(); ++i) n += cx.DbFor(cx.arg(i)).FindRead(cx.arg(i)) != nullptr;
  cx.rb().Integer(n);
}

void CmdType(CmdContext& cx) {
  Entry* e = cx.DbFor(cx.arg(1)).PeekRead(cx.arg(1));
  cx.rb().SimpleString(e ? ObjTypeName(e->type()) : "none");
}

// RENAME/RENAMENX. The two keys may live on different shards (the
// dispatcher holds both): the entry is detached from the source table,
// rebuilt under the new name and charged to the destination shard. The
// value and TTL move with it; nothing is copied for collections.
void Rename(CmdContext& cx, bool nx) {
  std::string_view src = cx.arg(1), dst = cx.arg(2);
  Db& sdb = cx.DbFor(src);
  if (!sdb.Find(src)) {
    cx.rb().Error(kErrNoSuchKey);
    return;
  }
  if (src == dst) {
    nx ? cx.rb().Integer(0) : cx.rb().Ok();
    return;
  }
  Db& ddb = cx.DbFor(dst);
  if (ddb.Peek(dst)) {
    if (nx) {
      cx.rb().Integer(0);
      return;
    }
    ddb.Delete(dst);
  }
  // Looked up again: deleting dst may have moved buckets (same table).
  Entry** link = sdb.FindLink(src);
  if (!link) {  // expired between the two lookups
    cx.rb().Error(kErrNoSuchKey);
    return;
  }
  Entry* e = sdb.Detach(link);
  e = EntryAlloc::Rekey(e, dst, sdb.slice().bytes_counter(), ddb.slice().bytes_counter());
  ddb.Attach(e);
  nx ? cx.rb().Integer(1) : cx.rb().Ok();
}

void CmdRename(CmdContext& cx) { Rename(cx, false); }
void CmdRenameNx(CmdContext& cx) { Rename(cx, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CmdCopy(CmdContext& cx) {
  bool replace = false;
  int dbid = cx.db_index();
  for (size_t i = 3; i < cx.argc(); ++i) {
    if (EqualsIgnoreCase(cx.arg(i), "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(cx.arg(i), "DB") && i + 1 < cx.argc()) {
      if (!ParseDbIndex(cx, cx.arg(++i), &dbid)) return;
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  std::string_view src = cx.arg(1), dst = cx.arg(2);
  if (dbid == cx.db_index() && src == dst) {
    cx.rb().Error(kErrSameObject);
    return;
  }
  Entry* e = cx.DbFor(src).FindRead(src);
  if (!e) {
    cx.rb().Integer(0);
    return;
  }
  Db& ddb = cx.DbFor(dst, dbid);
  if (ddb.Peek(dst)) {
    if (!replace) {
      cx.rb().Integer(0);
      return;
    }
    ddb.Delete(dst);  // never `e`: a different key or a different db
  }
  Entry* copy = EntryAlloc::Copy(e, dst, e->expire_ms(), ddb.slice().bytes_counter());
  if (!copy) {
    cx.rb().Error(kErrCopyUnsupported);
    return;
  }
  ddb.Insert(copy);
  cx.rb().Integer(1);
}

// MOVE key db: same shard, another db; the entry itself moves.
void CmdMove(CmdContext& cx) {
  int dbid;
  if (!ParseDbIndex(cx, cx.arg(2), &dbid)) return;
  if (dbid == cx.db_index()) {
    cx.rb().Error(kErrSameObject);
    return;
  }
  std::string_view key = cx.arg(1);
  Db& src = cx.DbFor(key);
  Db& dst = cx.DbFor(key, dbid);
  if (!src.Find(key) || dst.Peek(key)) {
    cx.rb().Integer(0);
    return;
  }
  Entry** link = src.FindLink(key);
  if (!link) {
    cx.rb().Integer(0);
    return;
  }
  dst.Attach(src.Detach(link));
  cx.rb().Integer(1);
}

}  // namespace

void RegisterGenericFamily(CommandRegistry& reg) {
  const char* cat = "keyspace";
  reg.Add({"del", -2, kWrite, {1, -1, 1}, CmdDel, cat});
  reg.Add({"unlink", -2, kWrite | kFast, {1, -1, 1}, CmdUnlink, cat});
  reg.Add({"exists", -2, kReadOnly | kFast, {1, -1, 1}, CmdExists, cat});
  reg.Add({"touch", -2, kReadOnly | kFast, {1, -1, 1}, CmdTouch, cat});
  reg.Add({"type", 2, kReadOnly | kFast, {1, 1, 1}, CmdType, cat});
  reg.Add({"rename", 3, kWrite, {1, 2, 1}, CmdRename, cat});
  reg.Add({"renamenx", 3, kWrite | kFast, {1, 2, 1}, CmdRenameNx, cat});
  reg.Add({"copy", -3, kWrite | kDenyOom, {1, 2, 1}, CmdCopy, cat});
  reg.Add({"move", 3, kWrite | kFast, {1, 1, 1}, CmdMove, cat});
  RegisterExpireCommands(reg);
  RegisterScanCommands(reg);
  RegisterObjectCommands(reg);
  RegisterDumpRestoreCommands(reg);
}

}  // namespace yotta
