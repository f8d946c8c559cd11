// YottaStore. Licensed under the Apache License 2.0.
// The checks a command passes before its handler runs, and the call itself
// with its accounting (INFO commandstats, SLOWLOG, MONITOR).
#pragma once

#include <span>
#include <vector>
#include <string>
#include <string_view>

#include "server/command.h"
#include "server/reply_builder.h"

namespace yotta {

class Connection;
struct ClientInfo;

// Looks up args[0] (and a subcommand) and checks arity. On failure returns
// nullptr and sets *err to Redis's error text.
const CommandSpec* LookupCommand(std::span<const std::string_view> args, std::string* err);

// Runs the handler on the calling thread and records stats on the calling
// shard. `conn` may be nullptr (remote hop); `client` is for SLOWLOG.
// Records the command's keys as changed for the storage tier (with the
// element arguments it declares, CommandSpec::members). Call with their
// shards held, after the command ran (blocked pops served later too);
// only_shard >= 0 records just the keys of that shard (the one held).
void MarkCommandKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db_index,
                     int only_shard = -1);

// While alive on this thread, eviction before a command also spares `keys`
// (EXEC: every queued command's keys were loaded for the whole queue).
class EvictionGuard {
 public:
  explicit EvictionGuard(std::vector<std::string_view> keys);
  ~EvictionGuard();
  EvictionGuard(const EvictionGuard&) = delete;
  EvictionGuard& operator=(const EvictionGuard&) = delete;

 private:
  std::vector<std::string_view> keys_;
};

void ExecuteCommand(const CommandSpec* spec, std::span<const std::string_view> args, ReplyBuilder* rb,
                    int db_index, Connection* conn, const ClientInfo* client);

// MONITOR: true iff any client is monitoring (cheap check per command).
bool MonitorActive();
// Sends the command line to every monitor. Any thread.
void MonitorFeed(const ClientInfo& from, int db, std::span<const std::string_view> args);
void MonitorAdd(Connection* c);
void MonitorRemove(uint64_t id);

}  // namespace yotta
