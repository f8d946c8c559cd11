// YottaStore. Licensed under the Apache License 2.0.
// SAVE, BGSAVE, LASTSAVE (DESIGN.md section 4). Every acknowledged write is
// already in RocksDB, so a save is a checkpoint: hard links to the current
// files under <dir>/checkpoints/<unix ms>, made on a Store thread, no fork.
// Both run with every shard held so the shards' pending changes are
// submitted first; both park the client until the checkpoint exists (SAVE
// answers OK, BGSAVE answers at once as Redis does). Restoring: start a
// server whose `dir` is (a copy of) a checkpoint directory.
#include <string>
#include <vector>

#include "base/str_util.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/connection.h"
#include "server/errors.h"
#include "server/lifecycle.h"
#include "server/shard.h"
#include "server/storage.h"

namespace yotta {
namespace {

constexpr std::string_view kErrSaveRunning = "ERR Background save already in progress";

void CmdSave(CmdContext& cx) {
  if (!cx.conn() || !cx.conn()->CanPark()) {
    cx.rb().Error("ERR SAVE cannot run inside a transaction; use BGSAVE");
    return;
  }
  ShardStore::FlushAll(cx.shards());
  Connection::Completion done = cx.conn()->Park();
  bool started = StartSave(cx.conn()->home(), [done](std::string err) {
    done(err.empty() ? std::string("+OK\r\n") : "-ERR " + err + "\r\n");
  });
  if (!started) done("-" + std::string(kErrSaveRunning) + "\r\n");
}

// BGSAVE [SCHEDULE]
void CmdBgSave(CmdContext& cx) {
  if (cx.argc() > 2 || (cx.argc() == 2 && !EqualsIgnoreCase(cx.arg(1), "SCHEDULE"))) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  ShardStore::FlushAll(cx.shards());
  Shard* home = cx.conn() ? cx.conn()->home() : Shard::Current();
  if (!StartSave(home, [](std::string) {})) {
    cx.rb().Error(kErrSaveRunning);
    return;
  }
  cx.rb().SimpleString("Background saving started");
}

void CmdLastSave(CmdContext& cx) {
  SaveState s = GetSaveState();
  cx.rb().Integer(s.last_save_s ? s.last_save_s : GetProcessInfo().start_ms / 1000);
}

}  // namespace

void RegisterPersistenceFamily(CommandRegistry& reg) {
  reg.Add({"save", 1, kAdmin | kNoScript | kNoMulti | kGlobal, {}, CmdSave, "admin dangerous"});
  reg.Add({"bgsave", -1, kAdmin | kNoScript | kGlobal, {}, CmdBgSave, "admin dangerous"});
  reg.Add({"lastsave", 1, kLoading | kStale | kFast | kConnection, {}, CmdLastSave, "admin fast dangerous"});
}

}  // namespace yotta
