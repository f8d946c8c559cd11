// YottaStore. Licensed under the Apache License 2.0.
// Configuration: every directive with Redis's name, aliases, default and
// whether CONFIG SET may change it. Values come from the config file, then
// command-line overrides ("--port 7000"), then CONFIG SET.
//
// Hot values are mirrored into atomics (Config::Get().maxmemory etc.) that
// any thread may read without locking; string values are read through
// GetString() under a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yotta {

// In Redis's order (its CONFIG SET error lists them so).
enum class EvictionPolicy : int {
  kVolatileLru = 0,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kNoEviction,
};
inline bool IsVolatilePolicy(EvictionPolicy p) { return p <= EvictionPolicy::kVolatileTtl; }

class Config {
 public:
  static Config& Get();

  // Reads a Redis-style config file. False with *err on a bad line.
  bool LoadFile(const std::string& path, std::string* err);
  // Applies "--name value [value...]" arguments; argv[0] excluded.
  bool LoadArgs(const std::vector<std::string>& args, std::string* err);
  // Sets directives; startup=true also allows immutable ones. All pairs are
  // validated before any is applied. err holds Redis's CONFIG SET text.
  bool Set(const std::vector<std::pair<std::string, std::string>>& pairs, bool startup,
           std::string* err);
  // (name, value) for every directive (and alias) matching the glob.
  std::vector<std::pair<std::string, std::string>> GetMatching(std::string_view pattern) const;
  std::string GetString(std::string_view name) const;
  // Writes the current values into the config file (CONFIG REWRITE).
  bool Rewrite(std::string* err);
  const std::string& config_file() const { return config_file_; }

  // Hot values; any thread.
  std::atomic<int64_t> port{6379};
  std::atomic<int64_t> shards{0};
  std::atomic<int64_t> databases{16};
  std::atomic<int64_t> maxclients{10000};
  std::atomic<int64_t> maxmemory{0};
  std::atomic<int64_t> maxmemory_policy{static_cast<int64_t>(EvictionPolicy::kNoEviction)};
  std::atomic<int64_t> maxmemory_samples{5};
  std::atomic<int64_t> lfu_log_factor{10};
  std::atomic<int64_t> lfu_decay_time{1};  // minutes
  std::atomic<int64_t> timeout{0};
  std::atomic<int64_t> tcp_keepalive{300};
  std::atomic<int64_t> tcp_backlog{511};
  std::atomic<int64_t> proto_max_bulk_len{512ll << 20};
  std::atomic<int64_t> client_query_buffer_limit{1ll << 30};
  std::atomic<int64_t> obuf_normal_hard{0};
  std::atomic<int64_t> obuf_normal_soft{0};
  std::atomic<int64_t> obuf_normal_soft_secs{0};
  std::atomic<int64_t> obuf_pubsub_hard{32ll << 20};
  std::atomic<int64_t> hz{10};
  std::atomic<int64_t> slowlog_log_slower_than{10000};
  std::atomic<int64_t> slowlog_max_len{128};
  std::atomic<int64_t> latency_monitor_threshold{0};
  std::atomic<int64_t> has_requirepass{0};
  std::atomic<int64_t> enable_debug_command{0};  // 0 no, 1 yes, 2 local
  std::atomic<int64_t> loglevel{2};
  std::atomic<int64_t> hash_max_listpack_entries{128};
  std::atomic<int64_t> hash_max_listpack_value{64};
  std::atomic<int64_t> set_max_intset_entries{512};
  std::atomic<int64_t> set_max_listpack_entries{128};
  std::atomic<int64_t> set_max_listpack_value{64};
  std::atomic<int64_t> zset_max_listpack_entries{128};
  std::atomic<int64_t> zset_max_listpack_value{64};
  std::atomic<int64_t> list_max_listpack_size{-2};
  std::atomic<int64_t> hll_sparse_max_bytes{3000};
  std::atomic<int64_t> pin_threads{1};
  std::atomic<int64_t> busy_poll_us{20};
  std::atomic<int64_t> persistence{1};  // storage::Persistence: 0 no, 1 everysec, 2 always
  std::atomic<int64_t> tiering{0};
  std::atomic<int64_t> storage_fault_injection{0};

  struct Param;

 private:
  Config();
  Param* FindParam(std::string_view name);
  const Param* FindParam(std::string_view name) const;

  std::vector<Param> params_;
  mutable std::mutex mu_;  // guards string values
  std::string config_file_;
};

// Parses "100", "1k", "1kb", "10mb", "1gb" (case-insensitive) as Redis does.
bool ParseMemory(std::string_view s, int64_t* out);

}  // namespace yotta
