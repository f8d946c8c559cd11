// YottaStore. Licensed under the Apache License 2.0.
// Per-shard counters for INFO stats and INFO commandstats. Each shard's
// counters are written only by that shard's thread (single writer), so a
// relaxed load+store suffices; any thread may read them (INFO) at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace yotta {

class Counter {
 public:
  void Add(uint64_t n = 1) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }
  void Reset() { v_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct CommandStat {
  Counter calls;
  Counter usec;
  Counter rejected_calls;
  Counter failed_calls;
};

struct ShardStats {
  Counter commands_processed;
  Counter connections_received;
  Counter rejected_connections;
  Counter net_input_bytes;
  Counter net_output_bytes;
  Counter error_replies;
  Counter hops_sent;
  Counter txns_coordinated;
  Counter expired_keys;
  Counter evicted_keys;
  Counter keyspace_hits;
  Counter keyspace_misses;
  std::unique_ptr<CommandStat[]> commands;  // by CommandSpec::id, sized at start-up
  size_t num_commands = 0;

  void SizeCommands(size_t n) {
    commands = std::make_unique<CommandStat[]>(n);
    num_commands = n;
  }
  CommandStat& cmd(uint32_t id) { return commands[id]; }
  // Shard thread only.
  void Reset() {
    for (Counter* c : {&commands_processed, &connections_received, &rejected_connections,
                       &net_input_bytes, &net_output_bytes, &error_replies, &hops_sent,
                       &txns_coordinated, &expired_keys, &evicted_keys, &keyspace_hits, &keyspace_misses}) {
      c->Reset();
    }
    for (size_t i = 0; i < num_commands; ++i) {
      commands[i].calls.Reset();
      commands[i].usec.Reset();
      commands[i].rejected_calls.Reset();
      commands[i].failed_calls.Reset();
    }
  }
};

}  // namespace yotta
