// YottaStore. Licensed under the Apache License 2.0.
// INFO [section ...]: Redis 7's sections and field names, filled from the
// per-shard counters (summed), the client registry, the allocator and the
// kernel. Only fields we can state truthfully are printed; Redis fields for
// features we do not have (RDB/AOF progress, replication links) are left out
// unless their value is a plain fact ("aof_enabled:0").
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/str_util.h"
#include "commands/memory_stats.h"
#include "commands/server_family.h"
#include "server/blocking.h"
#include "server/client_info.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/db_slice.h"
#include "server/lazy_free.h"
#include "server/lifecycle.h"
#include "server/shard.h"
#include "server/shard_set.h"
#include "server/storage.h"

namespace yotta {
namespace {

void AppendF(std::string* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void AppendF(std::string* out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof(buf)) {
    out->append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  out->append(big.data(), static_cast<size_t>(n));
}

// The sum of every shard's counters. Counters are atomics: any thread may
// read them, and INFO holds every shard anyway.
struct StatTotals {
  uint64_t commands = 0, connections = 0, rejected = 0, net_in = 0, net_out = 0, errors = 0;
  uint64_t hops = 0, txns = 0, expired = 0, evicted = 0, hits = 0, misses = 0;
};

StatTotals SumStats(ShardSet* set) {
  StatTotals t;
  for (int i = 0; set && i < set->size(); ++i) {
    ShardStats& s = set->shard(i)->stats();
    t.commands += s.commands_processed.get();
    t.connections += s.connections_received.get();
    t.rejected += s.rejected_connections.get();
    t.net_in += s.net_input_bytes.get();
    t.net_out += s.net_output_bytes.get();
    t.errors += s.error_replies.get();
    t.hops += s.hops_sent.get();
    t.txns += s.txns_coordinated.get();
    t.expired += s.expired_keys.get();
    t.evicted += s.evicted_keys.get();
    t.hits += s.keyspace_hits.get();
    t.misses += s.keyspace_misses.get();
  }
  return t;
}

// Redis's instantaneous_* metrics: every 100 ms a sampler thread (never a
// shard thread: it only reads atomics) records the rate since the previous
// sample; INFO reports the mean of the last 16 samples. Started by the
// first INFO, so it costs nothing on servers nobody inspects.
class InstantaneousMetrics {
 public:
  enum Metric { kOps, kNetIn, kNetOut, kNumMetrics };
  static InstantaneousMetrics& Get() {
    static auto* m = new InstantaneousMetrics();  // never destroyed: the thread outlives main
    return *m;
  }
  void EnsureStarted() {
    std::call_once(started_, [this] { std::thread([this] { Loop(); }).detach(); });
  }
  double Mean(Metric m) {
    std::lock_guard l(mu_);
    double sum = 0;
    for (double s : tracks_[m].samples) sum += s;
    return sum / kSamples;
  }

 private:
  static constexpr int kSamples = 16;
  struct Track {
    uint64_t last = 0;
    double samples[kSamples] = {};
    int idx = 0;
  };

  void Loop() {
    int64_t last_ms = 0;
    for (;;) {
      ShardSet* set = ShardSet::Global();
      StatTotals t = SumStats(set);
      uint64_t now[kNumMetrics] = {t.commands, t.net_in, t.net_out};
      int64_t now_ms = MonotonicUs() / 1000;
      {
        std::lock_guard l(mu_);
        for (int m = 0; m < kNumMetrics; ++m) {
          Track& tr = tracks_[m];
          // CONFIG RESETSTAT may move a counter backwards: count that as 0.
          uint64_t delta = now[m] >= tr.last ? now[m] - tr.last : 0;
          if (last_ms > 0 && now_ms > last_ms) {
            tr.samples[tr.idx] =
                static_cast<double>(delta) * 1000.0 / static_cast<double>(now_ms - last_ms);
            tr.idx = (tr.idx + 1) % kSamples;
          }
          tr.last = now[m];
        }
      }
      last_ms = now_ms;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::once_flag started_;
  std::mutex mu_;
  Track tracks_[kNumMetrics];
};

// Which sections the arguments ask for, with Redis 7's rules: no argument
// or "default" = the default set; "all" = every section but module-generated
// ones; "everything" = all of them. Unknown names select nothing.
struct Sections {
  bool all = false;
  std::vector<std::string> names;
  bool Has(std::string_view s) const {
    for (const std::string& n : names) {
      if (n == s) return true;
    }
    return false;
  }
};

Sections ParseSections(CmdContext& cx) {
  static const char* kDefault[] = {"server",     "clients",     "memory",  "persistence",
                                   "stats",      "replication", "cpu",     "module_list",
                                   "errorstats", "cluster",     "keyspace"};
  Sections s;
  auto add_default = [&] {
    for (const char* d : kDefault) s.names.emplace_back(d);
  };
  if (cx.argc() == 1) add_default();
  for (size_t i = 1; i < cx.argc(); ++i) {
    std::string a(cx.arg(i));
    ToLowerInPlace(&a);
    if (a == "default") {
      add_default();
    } else if (a == "all" || a == "everything") {
      s.all = true;
    } else {
      s.names.push_back(std::move(a));
    }
  }
  return s;
}

std::string Uname() {
  struct utsname u;
  if (uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

std::string ExecutablePath() {
  const std::string& exe = GetProcessInfo().executable;
  if (!exe.empty() && exe[0] == '/') return exe;
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : exe;
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty()) return path;
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

void AppendServer(std::string* out, CmdContext& cx) {
  const ProcessInfo& pi = GetProcessInfo();
  int64_t uptime = (NowMs() - pi.start_ms) / 1000;
  AppendF(out, "redis_version:%s\r\nredis_mode:standalone\r\nos:%s\r\narch_bits:%d\r\n", kVersion,
          Uname().c_str(), static_cast<int>(sizeof(void*) * 8));
  AppendF(out, "multiplexing_api:epoll\r\nprocess_id:%d\r\nprocess_supervised:no\r\nrun_id:%s\r\n",
          static_cast<int>(getpid()), pi.run_id.c_str());
  AppendF(
      out,
      "tcp_port:%lld\r\nserver_time_usec:%lld\r\nuptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\n",
      static_cast<long long>(Config::Get().port.load()), static_cast<long long>(NowUs()),
      static_cast<long long>(uptime), static_cast<long long>(uptime / 86400));
  long long hz = static_cast<long long>(Config::Get().hz.load());
  AppendF(out, "hz:%lld\r\nconfigured_hz:%lld\r\nlru_clock:%u\r\n", hz, hz, LruClock());
  AppendF(out, "executable:%s\r\nconfig_file:%s\r\n", ExecutablePath().c_str(),
          AbsolutePath(pi.config_file).c_str());
  AppendF(out, "yotta_version:%s\r\nshards:%d\r\n", kYottaVersion, cx.shards().size());
}

void AppendClients(std::string* out) {
  AppendF(out, "connected_clients:%zu\r\ncluster_connections:0\r\nmaxclients:%lld\r\n",
          ClientRegistry::Get().count(), static_cast<long long>(Config::Get().maxclients.load()));
  AppendF(out, "blocked_clients:%lld\r\n", static_cast<long long>(BlockedClientCount()));
}

void AppendMemory(std::string* out, CmdContext& cx) {
  std::vector<int64_t> shard_bytes;
  int64_t dataset = 0;
  for (int i = 0; i < cx.shards().size(); ++i) {
    shard_bytes.push_back(cx.shards().shard(i)->slice().used_bytes());
    dataset += shard_bytes.back();
  }
  int64_t used = AllocatedBytes();
  if (used <= 0) used = dataset;  // no jemalloc (sanitizer builds): our own accounting
  int64_t rss = RssBytes();
  int64_t maxmemory = Config::Get().maxmemory.load();
  std::string policy = Config::Get().GetString("maxmemory-policy");
  long long total_mem = static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  AppendF(out, "used_memory:%lld\r\nused_memory_human:%s\r\n", static_cast<long long>(used),
          BytesToHuman(used).c_str());
  AppendF(out, "used_memory_rss:%lld\r\nused_memory_rss_human:%s\r\n", static_cast<long long>(rss),
          BytesToHuman(rss).c_str());
  AppendF(out, "used_memory_dataset:%lld\r\n", static_cast<long long>(dataset));
  AppendF(out, "total_system_memory:%lld\r\ntotal_system_memory_human:%s\r\n", total_mem,
          BytesToHuman(total_mem).c_str());
  AppendF(out, "maxmemory:%lld\r\nmaxmemory_human:%s\r\nmaxmemory_policy:%s\r\n",
          static_cast<long long>(maxmemory), BytesToHuman(maxmemory).c_str(), policy.c_str());
  AppendF(out, "mem_fragmentation_ratio:%.2f\r\n",
          used > 0 ? static_cast<double>(rss) / static_cast<double>(used) : 0.0);
  AppendF(out, "mem_allocator:%s\r\n", AllocatorName().c_str());
  AppendF(out, "lazyfree_pending_objects:%zu\r\n", LazyFreePending());
  for (size_t i = 0; i < shard_bytes.size(); ++i) {
    AppendF(out, "yotta_shard_%zu_used_memory:%lld\r\n", i, static_cast<long long>(shard_bytes[i]));
  }
}

// Redis's field names. Every acknowledged write is in RocksDB (whose WAL
// plays the AOF's part): aof_enabled is 1 while persistence is on, and the
// rdb_* fields describe checkpoints (SAVE/BGSAVE). Ours follow.
void AppendPersistence(std::string* out) {
  SaveState s = GetSaveState();
  int64_t last = s.last_save_s ? s.last_save_s : GetProcessInfo().start_ms / 1000;
  std::string err = TheStore() ? TheStore()->error() : "";
  const char* mode[] = {"no", "everysec", "always"};
  int p = static_cast<int>(CurrentPersistence());
  AppendF(out,
          "loading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:%lld\r\n"
          "rdb_bgsave_in_progress:%d\r\nrdb_last_save_time:%lld\r\nrdb_last_bgsave_status:%s\r\n",
          static_cast<long long>(s.changes_since_save), s.in_progress ? 1 : 0, static_cast<long long>(last),
          s.last_ok ? "ok" : "err");
  AppendF(out,
          "aof_enabled:%d\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"
          "aof_last_bgrewrite_status:ok\r\naof_last_write_status:%s\r\n",
          p != 0 ? 1 : 0, err.empty() ? "ok" : "err");
  AppendF(out, "persistence:%s\r\ntiering:%s\r\nstorage_error:%s\r\nlast_checkpoint_dir:%s\r\n", mode[p],
          TieringOn() ? "yes" : "no", err.c_str(), s.last_dir.c_str());
  uint64_t reads = 0, hits = 0;
  if (ShardSet* set = ShardSet::Global()) {
    for (int i = 0; i < set->size(); ++i) {
      reads += set->shard(i)->store().reads();
      hits += set->shard(i)->store().read_hits();
    }
  }
  AppendF(out, "storage_reads:%llu\r\nstorage_read_hits:%llu\r\n", static_cast<unsigned long long>(reads),
          static_cast<unsigned long long>(hits));
  if (TheStore()) out->append(TheStore()->Stats());
}

void AppendStats(std::string* out, ShardSet* set) {
  StatTotals t = SumStats(set);
  InstantaneousMetrics& im = InstantaneousMetrics::Get();
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  AppendF(out, "total_connections_received:%llu\r\ntotal_commands_processed:%llu\r\n",
          ull(t.connections), ull(t.commands));
  AppendF(out, "instantaneous_ops_per_sec:%lld\r\n",
          static_cast<long long>(im.Mean(InstantaneousMetrics::kOps)));
  AppendF(out, "total_net_input_bytes:%llu\r\ntotal_net_output_bytes:%llu\r\n", ull(t.net_in),
          ull(t.net_out));
  AppendF(out, "instantaneous_input_kbps:%.2f\r\ninstantaneous_output_kbps:%.2f\r\n",
          im.Mean(InstantaneousMetrics::kNetIn) / 1024,
          im.Mean(InstantaneousMetrics::kNetOut) / 1024);
  AppendF(out, "rejected_connections:%llu\r\nexpired_keys:%llu\r\nevicted_keys:%llu\r\n",
          ull(t.rejected), ull(t.expired), ull(t.evicted));
  AppendF(out, "keyspace_hits:%llu\r\nkeyspace_misses:%llu\r\ntotal_error_replies:%llu\r\n",
          ull(t.hits), ull(t.misses), ull(t.errors));
  AppendF(out, "yotta_hops_sent:%llu\r\nyotta_txns_coordinated:%llu\r\n", ull(t.hops), ull(t.txns));
}

void AppendReplication(std::string* out) {
  out->append(
      "role:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n"
      "master_repl_offset:0\r\nrepl_backlog_active:0\r\n");
}

void AppendCpu(std::string* out) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  AppendF(out, "used_cpu_sys:%.6f\r\nused_cpu_user:%.6f\r\n", secs(self.ru_stime),
          secs(self.ru_utime));
  AppendF(out, "used_cpu_sys_children:%.6f\r\nused_cpu_user_children:%.6f\r\n",
          secs(children.ru_stime), secs(children.ru_utime));
}

// cmdstat_<name> for every command and subcommand ("config|get") called at
// least once since start or CONFIG RESETSTAT, summed over shards.
void AppendCommandStats(std::string* out, ShardSet* set) {
  const CommandRegistry& reg = CommandRegistry::Global();
  for (uint32_t id = 0; id < reg.total_with_subcommands(); ++id) {
    uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
    for (int i = 0; i < set->size(); ++i) {
      ShardStats& s = set->shard(i)->stats();
      if (id >= s.num_commands) continue;
      CommandStat& c = s.cmd(id);
      calls += c.calls.get();
      usec += c.usec.get();
      rejected += c.rejected_calls.get();
      failed += c.failed_calls.get();
    }
    if (calls == 0 && rejected == 0 && failed == 0) continue;
    AppendF(out,
            "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%"
            "llu\r\n",
            reg.by_id(id)->name.c_str(), static_cast<unsigned long long>(calls),
            static_cast<unsigned long long>(usec),
            calls ? static_cast<double>(usec) / static_cast<double>(calls) : 0.0,
            static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(failed));
  }
}

// db<i>:keys=N,expires=M,avg_ttl=0 for each non-empty db. Keys count the
// entries of the tables, as Redis's dictSize does (expired keys not yet
// reclaimed included). avg_ttl is not estimated.
void AppendKeyspace(std::string* out, CmdContext& cx) {
  ShardSet& set = cx.shards();
  int num_dbs = set.size() > 0 ? set.shard(0)->slice().num_dbs() : 0;
  for (int db = 0; db < num_dbs; ++db) {
    uint64_t keys = 0, expires = 0;
    for (int i = 0; i < set.size(); ++i) {
      Db& d = set.shard(i)->slice().db(db);
      keys += d.size();
      expires += d.volatile_count();
    }
    // Keys on disk only count too (RocksDB's count as of its last write;
    // with persistence on it holds every key, with tiering only the cold ones).
    bool cold = false;
    for (int i = 0; i < set.size(); ++i) cold |= set.shard(i)->store().cold_possible(db);
    if (cold) {
      auto disk = static_cast<uint64_t>(std::max<int64_t>(0, TheStore()->key_count(db)));
      keys = set.shard(0)->store().tracking() ? std::max(keys, disk) : keys + disk;
    }
    if (keys == 0) continue;
    AppendF(out, "db%d:keys=%llu,expires=%llu,avg_ttl=0\r\n", db,
            static_cast<unsigned long long>(keys), static_cast<unsigned long long>(expires));
  }
}

// INFO runs with every shard held (kGlobal), so the keyspace counts of all
// shards are consistent with each other.
void CmdInfo(CmdContext& cx) {
  InstantaneousMetrics::Get().EnsureStarted();
  Sections s = ParseSections(cx);
  std::string out;
  auto section = [&](const char* name, const char* header, bool in_all) {
    if (!((in_all && s.all) || s.Has(name))) return false;
    if (!out.empty()) out.append("\r\n");
    out.append("# ").append(header).append("\r\n");
    return true;
  };
  ShardSet* set = &cx.shards();
  if (section("server", "Server", true)) AppendServer(&out, cx);
  if (section("clients", "Clients", true)) AppendClients(&out);
  if (section("memory", "Memory", true)) AppendMemory(&out, cx);
  if (section("persistence", "Persistence", true)) AppendPersistence(&out);
  if (section("stats", "Stats", true)) AppendStats(&out, set);
  if (section("replication", "Replication", true)) AppendReplication(&out);
  if (section("cpu", "CPU", true)) AppendCpu(&out);
  // No modules are loaded: the list is empty (Redis names this section
  // "module_list"; "modules" selects it too).
  if (!s.Has("module_list") && s.Has("modules")) s.names.emplace_back("module_list");
  section("module_list", "Modules", true);
  if (section("commandstats", "Commandstats", true)) AppendCommandStats(&out, set);
  if (section("cluster", "Cluster", true)) out.append("cluster_enabled:0\r\n");
  if (section("keyspace", "Keyspace", true)) AppendKeyspace(&out, cx);
  cx.rb().Verbatim(out);
}

}  // namespace

void RegisterInfoCommands(CommandRegistry& reg) {
  reg.Add({"info", -1, kLoading | kStale | kGlobal, {}, CmdInfo, "server dangerous"});
}

}  // namespace yotta
