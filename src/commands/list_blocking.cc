// YottaStore. Licensed under the Apache License 2.0.
// Blocking list commands: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP. Each first
// tries what its non-blocking form would do; if every key is empty the
// client parks (server/blocking.h) and a Serve* function below pops for it
// when another command creates one of its keys. Nothing here waits.
#include <string>
#include <vector>

#include "base/str_util.h"
#include "commands/list_family.h"
#include "server/blocking.h"
#include "server/errors.h"

namespace yotta {
namespace {

bool PopsLeft(CmdContext& cx) { return cx.spec().name == "blpop"; }

// BLPOP/BRPOP from one ready key: replies [key, element].
bool PopOne(CmdContext& cx, std::string_view key, bool left) {
  Db& db = cx.DbFor(key);
  Entry* e = db.Find(key);
  if (!e || e->type() != ObjType::kList) return false;
  QuickList* ql = list::Of(e);
  size_t before = ql->bytes();
  cx.rb().Array(2);
  cx.rb().Bulk(key);
  cx.rb().Bulk(left ? ql->Front() : ql->Back());
  ql->Pop(left);
  list::FinishEdit(db, key, ql, before, true);
  return true;
}

ServeResult ServeBPop(CmdContext& cx, std::string_view key, bool) {
  return PopOne(cx, key, PopsLeft(cx)) ? ServeResult::kServed : ServeResult::kNotServed;
}

// BLPOP/BRPOP key... timeout. Keys are tried in argument order; a key of
// another type is an error at once.
void CmdBPop(CmdContext& cx) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(cx, cx.arg(cx.argc() - 1), &timeout_ms)) return;
  std::vector<std::string_view> keys(cx.args().begin() + 1, cx.args().end() - 1);
  for (std::string_view key : keys) {
    bool wrongtype;
    Entry* e = list::Find(cx, cx.DbFor(key), key, false, &wrongtype);
    if (wrongtype) return;
    if (e) {
      PopOne(cx, key, PopsLeft(cx));
      return;
    }
  }
  if (!cx.conn()) {  // cannot block (MULTI, scripts): as a timeout
    cx.rb().NullArray();
    return;
  }
  BlockClient(cx, keys, timeout_ms, ServeBPop);
}

// BLMOVE's directions from its arguments (BRPOPLPUSH: RIGHT LEFT).
void Directions(CmdContext& cx, bool* from_left, bool* to_left) {
  *from_left = false;
  *to_left = true;
  if (cx.spec().name == "blmove") {
    *from_left = EqualsIgnoreCase(cx.arg(3), "LEFT");
    *to_left = EqualsIgnoreCase(cx.arg(4), "LEFT");
  }
}

// Source ready: moves one element. A destination on another shard needs
// both shards held, which the blocking layer arranges on request. A
// destination of the wrong type replies WRONGTYPE, as Redis 7.2 does when
// it reruns the command.
ServeResult ServeBMove(CmdContext& cx, std::string_view key, bool all_held) {
  std::string_view src = cx.arg(1), dst = cx.arg(2);
  Entry* e = cx.DbFor(src).Peek(src);
  if (!e || e->type() != ObjType::kList) return ServeResult::kNotServed;
  if (!all_held && cx.shards().ShardOf(src) != cx.shards().ShardOf(dst)) {
    return ServeResult::kNeedAllShards;
  }
  bool from_left, to_left;
  Directions(cx, &from_left, &to_left);
  return list::Move(cx, src, dst, from_left, to_left, false) ? ServeResult::kServed
                                                             : ServeResult::kNotServed;
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout and
// BRPOPLPUSH source destination timeout: the element moved, or nil on
// timeout. Only the source's type is checked before blocking.
void BMoveGeneric(CmdContext& cx, size_t timeout_at) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(cx, cx.arg(timeout_at), &timeout_ms)) return;
  bool from_left, to_left;
  Directions(cx, &from_left, &to_left);
  std::string_view src = cx.arg(1);
  if (list::Move(cx, src, cx.arg(2), from_left, to_left, false)) return;
  if (!cx.conn()) {
    cx.rb().Null();
    return;
  }
  std::string_view keys[] = {src};
  BlockClient(cx, keys, timeout_ms, ServeBMove);
}

void CmdBLMove(CmdContext& cx) {
  bool left;
  if (!list::ParseWhere(cx, cx.arg(3), &left) || !list::ParseWhere(cx, cx.arg(4), &left)) return;
  BMoveGeneric(cx, 5);
}

void CmdBRPopLPush(CmdContext& cx) { BMoveGeneric(cx, 3); }

ServeResult ServeBLMPop(CmdContext& cx, std::string_view key, bool) {
  list::MpopArgs a;
  if (!list::ParseMpop(cx, 2, &a)) return ServeResult::kServed;  // parsed before: cannot fail
  Db& db = cx.DbFor(key);
  Entry* e = db.Find(key);
  if (!e || e->type() != ObjType::kList) return ServeResult::kNotServed;
  cx.rb().Array(2);
  cx.rb().Bulk(key);
  list::PopRangeReply(cx, db, key, list::Of(e), a.left, a.count);
  return ServeResult::kServed;
}

// BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]: the arguments after
// the timeout are checked first, as Redis does.
void CmdBLMPop(CmdContext& cx) {
  list::MpopArgs a;
  if (!list::ParseMpop(cx, 2, &a)) return;
  int64_t timeout_ms;
  if (!ParseBlockTimeout(cx, cx.arg(1), &timeout_ms)) return;
  if (list::MpopFirst(cx, a)) return;
  if (!cx.conn()) {
    cx.rb().NullArray();
    return;
  }
  BlockClient(cx, a.keys, timeout_ms, ServeBLMPop);
}

}  // namespace

namespace list {

void RegisterBlockingCommands(CommandRegistry& reg) {
  const char* cat = "list";
  uint32_t pop = kWrite | kNoScript | kBlocking;
  uint32_t move = kWrite | kDenyOom | kNoScript | kBlocking;
  reg.Add({"blpop", -3, pop, {1, -2, 1}, CmdBPop, cat});
  reg.Add({"brpop", -3, pop, {1, -2, 1}, CmdBPop, cat});
  reg.Add({"blmove", 6, move, {1, 2, 1}, CmdBLMove, cat});
  reg.Add({"brpoplpush", 4, move, {1, 2, 1}, CmdBRPopLPush, cat});
  reg.Add({"blmpop", -5, kWrite | kBlocking, KeySpec::NumKeysAt(2), CmdBLMPop, cat});
}

}  // namespace list
}  // namespace yotta
