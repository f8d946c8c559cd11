// YottaStore. Licensed under the Apache License 2.0.
// ClientInfo: what CLIENT LIST/INFO/KILL and INFO clients see of a
// connection, readable from any thread. The connection's own thread writes
// the atomics (single writer); strings change rarely and sit under `mu`.
// The registry holds every live client; connections add themselves on
// accept and remove themselves on close.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace yotta {

class Shard;

struct ClientInfo {
  uint64_t id = 0;
  Shard* home = nullptr;
  std::string addr, laddr;  // "ip:port", fixed at accept
  int fd = -1;
  int64_t created_ms = 0;

  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<int> db{0};
  std::atomic<int> resp{2};
  std::atomic<uint32_t> last_cmd{0};  // CommandSpec id
  std::atomic<int64_t> qbuf{0};
  std::atomic<int64_t> obuf{0};
  std::atomic<bool> is_monitor{false};
  std::atomic<bool> no_evict{false};
  std::atomic<bool> no_touch{false};
  std::atomic<int> reply_mode{0};  // 0 on, 1 off, 2 skip
  std::atomic<bool> authenticated{true};

  mutable std::mutex mu;
  std::string name, lib_name, lib_ver;  // guarded by mu

  std::string Name() const {
    std::lock_guard l(mu);
    return name;
  }
  // One CLIENT LIST line (without the trailing newline).
  std::string Describe() const;
};

class ClientRegistry {
 public:
  static ClientRegistry& Get();
  uint64_t NextId() { return next_id_.fetch_add(1) + 1; }
  void Add(std::shared_ptr<ClientInfo> c);
  void Remove(uint64_t id);
  std::vector<std::shared_ptr<ClientInfo>> Snapshot() const;
  size_t count() const { return count_.load(); }

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<ClientInfo>> clients_;
  std::atomic<uint64_t> next_id_{0};
  std::atomic<size_t> count_{0};
};

}  // namespace yotta
