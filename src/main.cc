// YottaStore. Licensed under the Apache License 2.0.
// Entry point: configuration (file, then --overrides), the ShardSet, and the
// main thread's loop, which only waits for a shutdown (signal or SHUTDOWN)
// and ticks the LRU clock.
#include <signal.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/logging.h"
#include "server/command_families.h"
#include "server/command_registry.h"
#include "server/config.h"
#include "server/db_slice.h"
#include "server/lifecycle.h"
#include "server/shard_set.h"
#include "server/storage.h"

// jemalloc's options: back the heap with transparent huge pages. A key
// lookup touches a bucket and an entry at random; with 4 KiB pages the TLB
// misses cost ~0.35 us per request at 1M keys. Redis cannot do this (fork's
// copy-on-write would copy 2 MiB pages); we never fork. Unused by sanitizer
// builds, which do not link jemalloc.
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:auto";
}

namespace {

uv_loop_t* g_main_loop = nullptr;
uv_async_t g_shutdown_async;

void OnShutdown(uv_async_t*) { uv_stop(g_main_loop); }
void TriggerShutdown() { uv_async_send(&g_shutdown_async); }

void OnSignal(uv_signal_t* h, int signum) {
  YLOG(kWarning, "Received %s scheduling shutdown...", signum == SIGINT ? "SIGINT" : "SIGTERM");
  (void)h;
  uv_stop(g_main_loop);
}

void OnClockTick(uv_timer_t*) { yotta::UpdateLruClock(); }

std::string RandomRunId() {
  std::random_device rd;
  std::mt19937_64 rng(rd());
  static const char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[rng() % 16];
  return id;
}

void Usage() {
  std::fprintf(stderr,
               "Usage: ./yottastore [/path/to/yottastore.conf] [options]\n"
               "       ./yottastore -v or --version\n"
               "       ./yottastore -h or --help\n\n"
               "Examples:\n"
               "       ./yottastore conf/yottastore.conf --port 7000 --shards 4\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace yotta;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    std::printf("YottaStore server v=%s redis_version=%s\n", kYottaVersion, kVersion);
    return 0;
  }
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    Usage();
    return 0;
  }
  Config& cfg = Config::Get();
  std::string err;
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    if (!cfg.LoadFile(args[0], &err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      return 1;
    }
    args.erase(args.begin());
  }
  if (!cfg.LoadArgs(args, &err)) {
    std::fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (YottaStore %s) ***\n%s\n", kYottaVersion, err.c_str());
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);

  ProcessInfo& pi = GetProcessInfo();
  pi.start_ms = NowMs();
  pi.executable = argv[0];
  pi.config_file = cfg.config_file();
  pi.run_id = RandomRunId();
  UpdateLruClock();

  RegisterAllFamilies(CommandRegistry::Global());

  int shards = static_cast<int>(cfg.shards.load());
  if (shards <= 0) shards = std::max(1u, std::thread::hardware_concurrency());
  cfg.shards = shards;
  auto* set = new ShardSet(shards, static_cast<int>(cfg.databases.load()));
  ShardSet::SetGlobal(set);

  g_main_loop = uv_default_loop();
  uv_async_init(g_main_loop, &g_shutdown_async, OnShutdown);
  SetShutdownHandler(TriggerShutdown);
  uv_signal_t sigint, sigterm;
  uv_signal_init(g_main_loop, &sigint);
  uv_signal_init(g_main_loop, &sigterm);
  uv_signal_start(&sigint, OnSignal, SIGINT);
  uv_signal_start(&sigterm, OnSignal, SIGTERM);
  uv_timer_t clock;
  uv_timer_init(g_main_loop, &clock);
  uv_timer_start(&clock, OnClockTick, 100, 100);

  if (!OpenStorage(set, &err)) {
    YLOG(kWarning, "Failed opening the data directory: %s", err.c_str());
    return 1;
  }
  if (!set->Start(&err)) {
    YLOG(kWarning, "%s", err.c_str());
    set->Stop();
    return 1;
  }
  YLOG(kNotice, "YottaStore %s started, pid=%d, port=%lld, shards=%d", kYottaVersion, static_cast<int>(getpid()),
       static_cast<long long>(cfg.port.load()), shards);
  YLOG(kNotice, "Ready to accept connections tcp");

  uv_run(g_main_loop, UV_RUN_DEFAULT);

  YLOG(kWarning, "User requested shutdown...");
  set->Stop();
  CloseStorage(set);
#if defined(__SANITIZE_ADDRESS__)
  // Values hold their objects through unaligned pointers LeakSanitizer
  // cannot follow, so a sanitizer build frees the keyspace at exit and
  // reports only real leaks. (A release build exits without freeing, as
  // Redis does: freeing 10M keys would only delay the exit.)
  for (int i = 0; i < set->size(); ++i) set->shard(i)->slice().FlushAll();
#endif
  YLOG(kWarning, "YottaStore is now ready to exit, bye bye...");
  return 0;
}
