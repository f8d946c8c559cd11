// YottaStore. Licensed under the Apache License 2.0.
#include "server/dispatcher.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "base/clock.h"
#include "base/str_util.h"
#include "server/blocking.h"
#include "server/client_info.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/errors.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/storage.h"
#include "server/slowlog.h"
#include "server/watch.h"

namespace yotta {

const CommandSpec* LookupCommand(std::span<const std::string_view> args, std::string* err) {
  const CommandRegistry& reg = CommandRegistry::Global();
  const CommandSpec* spec = reg.Find(args[0]);
  if (!spec) {
    *err = ErrUnknownCommand(args[0], args.data() + 1, args.size() - 1);
    return nullptr;
  }
  if (spec->is_container()) {
    if (args.size() < 2) {
      *err = ErrWrongArgs(spec->name);
      return nullptr;
    }
    const CommandSpec* sub = reg.FindSub(*spec, args[1]);
    if (!sub) {
      *err = ErrUnknownSubcommand(args[1], spec->name);
      return nullptr;
    }
    spec = sub;
  }
  int argc = static_cast<int>(args.size());
  if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
    *err = ErrWrongArgs(spec->name);
    // Redis counts arity failures as rejected calls of the command.
    if (Shard* shard = Shard::Current()) shard->stats().cmd(spec->id).rejected_calls.Add();
    return nullptr;
  }
  return spec;
}

namespace {
thread_local const std::vector<std::string_view>* tl_guard = nullptr;
}  // namespace

EvictionGuard::EvictionGuard(std::vector<std::string_view> keys) : keys_(std::move(keys)) { tl_guard = &keys_; }
EvictionGuard::~EvictionGuard() { tl_guard = nullptr; }

namespace {
// Eviction's time budget per command (Redis's default tenacity), and under
// tiering, where a command may first have loaded many keys from disk and
// moving a value out costs more than dropping it.
constexpr int64_t kEvictBudgetUs = 500;
constexpr int64_t kTierEvictBudgetUs = 5000;

// maxmemory (DESIGN.md section 3): before a command, evict on every shard
// its keys live on (the caller holds all of them) until each is under its
// equal share. False iff one stays over it with nothing to evict (or under
// noeviction): a denyoom command is then refused. Keyless commands are not
// checked: they have no shard to charge.
bool MakeRoom(const CommandSpec* spec, std::span<const std::string_view> args) {
  int64_t maxmemory = Config::Get().maxmemory.load(std::memory_order_relaxed);
  if (maxmemory <= 0 || !spec->keys.has_keys()) return true;
  thread_local std::vector<int> idx, seen;
  idx.clear();
  seen.clear();
  if (!spec->KeyIndexes(args, &idx)) return true;
  ShardSet* set = ShardSet::Global();
  int64_t share = maxmemory / set->size();
  // Under tiering the command's own keys stay: they were checked resident
  // (or loaded) for it, and evicting one now would hide its value.
  thread_local std::vector<std::string_view> keep;
  keep.clear();
  if (TieringOn()) {
    for (int i : idx) keep.push_back(args[i]);
    if (tl_guard) keep.insert(keep.end(), tl_guard->begin(), tl_guard->end());
  }
  for (int i : idx) {
    int s = set->ShardOf(args[i]);
    if (std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
    seen.push_back(s);
    if (set->shard(s)->slice().FreeMemory(share, keep, keep.empty() ? kEvictBudgetUs : kTierEvictBudgetUs) ==
        EvictStatus::kFail) {
      return false;
    }
  }
  return true;
}

}  // namespace

// Objects change in place (HSET on an existing hash), so after a write
// command its declared keys are recorded for the storage tier; Db's
// primitives record the rest (deletes, renames, expiry).
void MarkCommandKeys(const CommandSpec* spec, std::span<const std::string_view> args, int db_index,
                     int only_shard) {
  ShardSet* set = ShardSet::Global();
  if (!spec->keys.has_keys() || !set->shard(0)->store().tracking()) return;
  thread_local std::vector<int> idx;
  idx.clear();
  if (!spec->KeyIndexes(args, &idx)) return;
  thread_local std::vector<int> members;
  members.clear();
  if (spec->members && idx.size() == 1 && spec->members(args, &members)) {
    set->shard(set->ShardOf(args[idx[0]]))->store().MarkMembers(db_index, args[idx[0]], args, members);
    return;
  }
  for (int i : idx) {
    int s = set->ShardOf(args[i]);
    if (only_shard < 0 || s == only_shard) set->shard(s)->store().Mark(db_index, args[i]);
  }
}

void ExecuteCommand(const CommandSpec* spec, std::span<const std::string_view> args, ReplyBuilder* rb,
                    int db_index, Connection* conn, const ClientInfo* client) {
  // As Redis, eviction runs before every command (reads load cold keys
  // into memory under tiering too); only denyoom ones are refused.
  if (!MakeRoom(spec, args) && (spec->flags & kDenyOom)) {
    rb->Error(kErrOom);
    if (Shard* shard = Shard::Current()) {
      shard->stats().cmd(spec->id).rejected_calls.Add();
      shard->stats().error_replies.Add();
    }
    return;
  }
  if (spec->flags & kWrite) {
    std::string misconf = MisconfError();
    if (!misconf.empty()) {
      rb->Error(misconf);
      if (Shard* shard = Shard::Current()) {
        shard->stats().cmd(spec->id).rejected_calls.Add();
        shard->stats().error_replies.Add();
      }
      return;
    }
  }
  CmdContext cx(spec, args, rb, db_index, conn, ShardSet::Global());
  uint64_t errors_before = rb->errors();
  int64_t start = MonotonicUs();
  spec->handler(cx);
  if (spec->flags & kWrite) MarkCommandKeys(spec, args, db_index);
  TouchWatchedKeys(spec, args, db_index);
  DrainReadyKeys();  // clients blocked on keys this command created
  int64_t dur = MonotonicUs() - start;
  Shard* shard = Shard::Current();
  if (shard) {
    ShardStats& st = shard->stats();
    st.commands_processed.Add();
    CommandStat& cs = st.cmd(spec->id);
    cs.calls.Add();
    cs.usec.Add(static_cast<uint64_t>(dur));
    if (rb->errors() != errors_before) {
      cs.failed_calls.Add();
      st.error_replies.Add();
    }
  }
  int64_t slower = Config::Get().slowlog_log_slower_than.load(std::memory_order_relaxed);
  if (slower >= 0 && dur >= slower && !(spec->flags & kSkipSlowlog)) {
    Slowlog::Get().Add(args, dur, client ? client->addr : "", client ? client->Name() : "");
  }
}

namespace {
std::atomic<int> g_monitor_count{0};
std::mutex g_monitor_mu;
struct MonitorRef {
  uint64_t id;
  Shard* home;
};
std::vector<MonitorRef> g_monitors;  // guarded by g_monitor_mu

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
      default:
        if (std::isprint(c)) {
          out->push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out->append(buf);
        }
    }
  }
  out->push_back('"');
}
}  // namespace

bool MonitorActive() { return g_monitor_count.load(std::memory_order_relaxed) > 0; }

void MonitorAdd(Connection* c) {
  std::lock_guard l(g_monitor_mu);
  g_monitors.push_back({c->id(), c->home()});
  g_monitor_count.store(static_cast<int>(g_monitors.size()));
}

void MonitorRemove(uint64_t id) {
  std::lock_guard l(g_monitor_mu);
  auto it = std::remove_if(g_monitors.begin(), g_monitors.end(), [&](const MonitorRef& m) { return m.id == id; });
  g_monitors.erase(it, g_monitors.end());
  g_monitor_count.store(static_cast<int>(g_monitors.size()));
}

void MonitorFeed(const ClientInfo& from, int db, std::span<const std::string_view> args) {
  int64_t us = NowUs();
  char head[96];
  std::snprintf(head, sizeof(head), "+%lld.%06lld [%d %s]", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000), db, from.addr.c_str());
  std::string line(head);
  for (std::string_view a : args) {
    line.push_back(' ');
    AppendQuoted(&line, a);
  }
  line.append("\r\n");
  std::vector<MonitorRef> targets;
  {
    std::lock_guard l(g_monitor_mu);
    targets = g_monitors;
  }
  for (const MonitorRef& m : targets) {
    if (m.id == from.id) continue;
    m.home->PostControl([m, line] {
      Connection* c = m.home->FindConnection(m.id);
      if (c) c->WriteRaw(line);
    });
  }
}

}  // namespace yotta
