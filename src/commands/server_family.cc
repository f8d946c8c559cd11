// YottaStore. Licensed under the Apache License 2.0.
// Server commands over the whole keyspace (DBSIZE FLUSHDB FLUSHALL SWAPDB),
// process-level ones (TIME MONITOR SHUTDOWN SLOWLOG LATENCY), and the
// family's registration, which also pulls in INFO, CONFIG, COMMAND and DEBUG
// from their own files (commands/server_family.h).
#include "commands/server_family.h"

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/str_util.h"
#include "commands/cold_keyspace.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/errors.h"
#include "server/lazy_free.h"
#include "server/lifecycle.h"
#include "server/slowlog.h"

namespace yotta {
namespace {

constexpr std::string_view kErrNoShutdown = "ERR No shutdown in progress.";
constexpr std::string_view kErrSlowlogCount = "ERR count should be greater than or equal to -1";

// Redis's reply when a subcommand row accepted the arity but the handler did
// not (addReplySubcommandSyntaxError): the subcommand is quoted as typed.
std::string ErrSubcommandSyntax(std::string_view sub, std::string_view container) {
  return "ERR unknown subcommand or wrong number of arguments for '" +
         std::string(sub.substr(0, 128)) + "'. Try " + std::string(container) + " HELP.";
}

void ReplyHelp(CmdContext& cx, std::initializer_list<const char*> lines) {
  cx.rb().SimpleStringArray(lines);
}

// ---- keyspace-wide (kGlobal: every shard is held while these run) ----

void CmdDbSize(CmdContext& cx) {
  if (cold::Any(cx)) {
    cold::DbSize(cx);
    return;
  }
  int64_t n = 0;
  for (int i = 0; i < cx.shards().size(); ++i) {
    n += static_cast<int64_t>(cx.shards().shard(i)->slice().db(cx.db_index()).size());
  }
  cx.rb().Integer(n);
}

// FLUSHDB/FLUSHALL [ASYNC|SYNC]. ASYNC empties the dbs at once and frees
// the old tables on the lazy-free thread, as Redis does; the shards' byte
// counts drop when that is done. Without an argument the flush is
// synchronous (lazyfree-lazy-user-flush no).
bool ParseFlushMode(CmdContext& cx, bool* async) {
  *async = false;
  if (cx.argc() == 1) return true;
  if (cx.argc() == 2 && EqualsIgnoreCase(cx.arg(1), "ASYNC")) {
    *async = true;
    return true;
  }
  if (cx.argc() == 2 && EqualsIgnoreCase(cx.arg(1), "SYNC")) return true;
  cx.rb().Error(kErrSyntax);
  return false;
}

void FlushDb(Shard* shard, Db& db, bool async) {
  if (!async || db.size() <= kLazyFreeThreshold) {
    db.Clear();
    return;
  }
  db.ClearAsync([shard](int64_t delta) {
    shard->PostData([shard, delta] { shard->slice().AdjustBytes(delta); });
  });
}

// The storage side of FLUSHDB/FLUSHALL/SWAPDB: changes made before the
// command reach RocksDB before its one op (a range delete, a db-map swap),
// and changes after it come after.
void SubmitGlobalOp(CmdContext& cx, storage::Op op, std::function<void(ShardStore&)> per_shard) {
  std::vector<ShardStore*> stores = ShardStore::FlushAll(cx.shards());
  for (ShardStore* s : stores) per_shard(*s);
  stores[0]->AddOp(std::move(op));
  ShardStore::FlushTogether(stores);
}

void CmdFlushDb(CmdContext& cx) {
  bool async;
  if (!ParseFlushMode(cx, &async)) return;
  int db = cx.db_index();
  SubmitGlobalOp(cx, storage::Op{.kind = storage::Op::kFlushDb, .db = static_cast<uint8_t>(db)},
                 [db](ShardStore& s) { s.set_cold_possible(db, false); });
  for (int i = 0; i < cx.shards().size(); ++i) {
    Shard* shard = cx.shards().shard(i);
    FlushDb(shard, shard->slice().db(db), async);
  }
  cx.rb().Ok();
}

void CmdFlushAll(CmdContext& cx) {
  bool async;
  if (!ParseFlushMode(cx, &async)) return;
  SubmitGlobalOp(cx, storage::Op{.kind = storage::Op::kFlushAll}, [](ShardStore& s) {
    for (int d = 0; d < s.num_dbs(); ++d) s.set_cold_possible(d, false);
  });
  for (int i = 0; i < cx.shards().size(); ++i) {
    Shard* shard = cx.shards().shard(i);
    for (int d = 0; d < shard->slice().num_dbs(); ++d) FlushDb(shard, shard->slice().db(d), async);
  }
  cx.rb().Ok();
}

// Parses a db index as SWAPDB does: not a number -> `bad_text`, outside
// [0, databases) -> "DB index is out of range".
bool ParseDbIndex(CmdContext& cx, std::string_view s, std::string_view bad_text, int* out) {
  int64_t v;
  if (!ParseInt64(s, &v) || v < INT32_MIN || v > INT32_MAX) {
    cx.rb().Error(bad_text);
    return false;
  }
  if (v < 0 || v >= Config::Get().databases.load()) {
    cx.rb().Error(kErrDbIndex);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

void CmdSwapDb(CmdContext& cx) {
  int a, b;
  if (!ParseDbIndex(cx, cx.arg(1), "ERR invalid first DB index", &a) ||
      !ParseDbIndex(cx, cx.arg(2), "ERR invalid second DB index", &b)) {
    return;
  }
  if (a != b) {
    SubmitGlobalOp(cx,
                   storage::Op{.kind = storage::Op::kSwapDb, .db = static_cast<uint8_t>(a),
                               .db2 = static_cast<uint8_t>(b)},
                   [a, b](ShardStore& s) { s.OnSwapDb(a, b); });
    for (int i = 0; i < cx.shards().size(); ++i) cx.shards().shard(i)->slice().SwapDb(a, b);
  }
  cx.rb().Ok();
}

// ---- process-level ----

void CmdTime(CmdContext& cx) {
  int64_t us = NowUs();
  cx.rb().Array(2);
  cx.rb().Bulk(std::to_string(us / 1000000));
  cx.rb().Bulk(std::to_string(us % 1000000));
}

// MONITOR: from now on the dispatcher feeds this client every command. A
// client that already monitors gets no reply, as in Redis.
void CmdMonitor(CmdContext& cx) {
  Connection* c = cx.conn();
  if (c->info().is_monitor.load()) return;
  c->MakeMonitor();
  cx.rb().Ok();
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Nothing is persisted by this
// process yet, so SAVE and NOSAVE both just stop it; there is never a
// shutdown in progress to abort. On success the client gets no reply: its
// connection closes as the process exits, as with Redis.
void CmdShutdown(CmdContext& cx) {
  bool save = false, nosave = false, other = false, abort = false;
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string_view a = cx.arg(i);
    if (EqualsIgnoreCase(a, "NOSAVE")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "SAVE")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "NOW") || EqualsIgnoreCase(a, "FORCE")) {
      other = true;
    } else if (EqualsIgnoreCase(a, "ABORT")) {
      abort = true;
    } else {
      cx.rb().Error(kErrSyntax);
      return;
    }
  }
  if ((abort && (save || nosave || other)) || (save && nosave)) {
    cx.rb().Error(kErrSyntax);
    return;
  }
  if (abort) {
    cx.rb().Error(kErrNoShutdown);
    return;
  }
  cx.conn()->CloseAfterReply();
  RequestShutdown();
}

// ---- SLOWLOG ----

void CmdSlowlogGet(CmdContext& cx) {
  if (cx.argc() > 3) {
    cx.rb().Error(ErrSubcommandSyntax(cx.arg(1), "SLOWLOG"));
    return;
  }
  int64_t count = 10;
  if (cx.argc() == 3 && (!ParseInt64(cx.arg(2), &count) || count < -1)) {
    cx.rb().Error(kErrSlowlogCount);
    return;
  }
  std::vector<SlowlogEntry> entries = Slowlog::Get().Latest(count);
  cx.rb().Array(entries.size());
  for (const SlowlogEntry& e : entries) {
    cx.rb().Array(6);
    cx.rb().Integer(e.id);
    cx.rb().Integer(e.unix_time);
    cx.rb().Integer(e.duration_us);
    cx.rb().BulkArray(e.args);
    cx.rb().Bulk(e.addr);
    cx.rb().Bulk(e.name);
  }
}

void CmdSlowlogLen(CmdContext& cx) { cx.rb().Integer(static_cast<int64_t>(Slowlog::Get().Len())); }

void CmdSlowlogReset(CmdContext& cx) {
  Slowlog::Get().Reset();
  cx.rb().Ok();
}

void CmdSlowlogHelp(CmdContext& cx) {
  ReplyHelp(cx,
            {"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog.", "HELP", "    Prints this help."});
}

// ---- LATENCY ----
// No latency events are recorded yet (the dispatcher has no hook for them),
// so every history is empty; the replies say exactly that.

void CmdLatencyLatest(CmdContext& cx) { cx.rb().Array(0); }
void CmdLatencyHistory(CmdContext& cx) { cx.rb().Array(0); }
void CmdLatencyReset(CmdContext& cx) { cx.rb().Integer(0); }  // event classes reset

void CmdLatencyGraph(CmdContext& cx) {
  cx.rb().Error("ERR No samples available for event '" + std::string(cx.arg(2)) + "'");
}

void CmdLatencyDoctor(CmdContext& cx) {
  cx.rb().Verbatim(
      "Latency monitoring is not available in this YottaStore build: no latency events are "
      "recorded, so there is nothing to analyze.\n");
}

void CmdLatencyHelp(CmdContext& cx) {
  ReplyHelp(
      cx, {"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
           "    Return a human readable latency analysis report.", "GRAPH <event>",
           "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
           "    Return time-latency samples for the <event> class.", "LATEST",
           "    Return the latest latency samples for all events.", "RESET [<event> ...]",
           "    Reset latency data of one or more <event> classes.",
           "    (default: reset all data for all event classes)", "HELP", "    Prints this help."});
}

// Containers are never called themselves: the dispatcher resolves the
// subcommand or replies with the error first.
void CmdContainer(CmdContext& cx) { cx.rb().Error(ErrWrongArgs(cx.spec().name)); }

}  // namespace

void RegisterServerFamily(CommandRegistry& reg) {
  RegisterInfoCommands(reg);
  RegisterConfigCommands(reg);
  RegisterCommandCommands(reg);
  RegisterDebugCommands(reg);

  // Category strings: the COMMAND DOCS group first, then extra ACL
  // categories Redis gives these commands beyond those their flags imply.
  constexpr uint32_t kAdminFlags = kAdmin | kNoScript | kLoading | kStale;
  reg.Add({"dbsize", 1, kReadOnly | kFast | kGlobal, {}, CmdDbSize, "server keyspace"});
  reg.Add({"flushdb", -1, kWrite | kGlobal, {}, CmdFlushDb, "server keyspace dangerous"});
  reg.Add({"flushall", -1, kWrite | kGlobal, {}, CmdFlushAll, "server keyspace dangerous"});
  reg.Add({"swapdb", 3, kWrite | kFast | kGlobal, {}, CmdSwapDb, "server keyspace dangerous"});
  reg.Add({"time", 1, kLoading | kStale | kFast | kConnection, {}, CmdTime, "server"});
  reg.Add({"monitor", 1, kAdminFlags | kConnection, {}, CmdMonitor, "server"});
  constexpr uint32_t kShutdownFlags = kAdminFlags | kNoMulti | kAllowBusy | kConnection;
  reg.Add({"shutdown", -1, kShutdownFlags, {}, CmdShutdown, "server"});

  reg.Add({"slowlog", -2, kConnection, {}, CmdContainer, "server"});
  reg.Add({"slowlog|get", -2, kAdmin | kLoading | kStale | kConnection, {}, CmdSlowlogGet});
  reg.Add({"slowlog|len", 2, kAdmin | kLoading | kStale | kConnection, {}, CmdSlowlogLen});
  reg.Add({"slowlog|reset", 2, kAdmin | kLoading | kStale | kConnection, {}, CmdSlowlogReset});
  reg.Add({"slowlog|help", 2, kLoading | kStale | kConnection, {}, CmdSlowlogHelp});

  reg.Add({"latency", -2, kConnection, {}, CmdContainer, "server"});
  reg.Add({"latency|latest", 2, kAdminFlags | kConnection, {}, CmdLatencyLatest});
  reg.Add({"latency|history", 3, kAdminFlags | kConnection, {}, CmdLatencyHistory});
  reg.Add({"latency|reset", -2, kAdminFlags | kConnection, {}, CmdLatencyReset});
  reg.Add({"latency|graph", 3, kAdminFlags | kConnection, {}, CmdLatencyGraph});
  reg.Add({"latency|doctor", 2, kAdminFlags | kConnection, {}, CmdLatencyDoctor});
  reg.Add({"latency|help", 2, kLoading | kStale | kConnection, {}, CmdLatencyHelp});
}

}  // namespace yotta
