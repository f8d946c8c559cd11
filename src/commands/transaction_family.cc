// YottaStore. Licensed under the Apache License 2.0.
// MULTI EXEC DISCARD WATCH UNWATCH. The queue and EXEC's transaction live
// in server/connection_multi.cc, the WATCH registry in server/watch.cc.
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/connection.h"
#include "server/watch.h"

namespace yotta {
namespace {

void CmdMulti(CmdContext& cx) {
  Connection* c = cx.conn();
  if (c->in_multi()) {
    cx.rb().Error("ERR MULTI calls can not be nested");
    return;
  }
  c->BeginMulti();
  cx.rb().Ok();
}

void CmdExec(CmdContext& cx) {
  Connection* c = cx.conn();
  if (!c->in_multi()) {
    cx.rb().Error("ERR EXEC without MULTI");
    return;
  }
  c->ExecMulti(cx.rb());
}

void CmdDiscard(CmdContext& cx) {
  Connection* c = cx.conn();
  if (!c->in_multi()) {
    cx.rb().Error("ERR DISCARD without MULTI");
    return;
  }
  c->DiscardMulti();
  cx.rb().Ok();
}

// Runs on the client's thread with the keys' shards held (kClientThread).
void CmdWatch(CmdContext& cx) {
  Connection* c = cx.conn();
  if (!c) {  // the client is gone
    cx.rb().Ok();
    return;
  }
  if (c->in_multi()) {
    cx.rb().Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  WatchKeys(cx, c->watch_set(), cx.args().subspan(1));
  cx.rb().Ok();
}

void CmdUnwatch(CmdContext& cx) {
  cx.conn()->Unwatch();
  cx.rb().Ok();
}

}  // namespace

void RegisterTransactionFamily(CommandRegistry& reg) {
  const char* cat = "transaction";
  constexpr uint32_t kBase = kNoScript | kLoading | kStale;
  reg.Add({"multi", 1, kBase | kFast | kAllowBusy | kConnection, {}, CmdMulti, cat});
  reg.Add({"exec", 1, kBase | kSkipSlowlog | kConnection, {}, CmdExec, cat});
  reg.Add({"discard", 1, kBase | kFast | kAllowBusy | kConnection, {}, CmdDiscard, cat});
  reg.Add({"watch", -2, kBase | kFast | kAllowBusy | kClientThread, {1, -1, 1}, CmdWatch, cat});
  reg.Add({"unwatch", 1, kBase | kFast | kAllowBusy | kConnection, {}, CmdUnwatch, cat});
}

}  // namespace yotta
