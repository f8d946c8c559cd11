// YottaStore. Licensed under the Apache License 2.0.
// SLOWLOG: a process-wide ring of the slowest commands (Redis's entries:
// id, unix time, microseconds, arguments (at most 32, each at most 128
// bytes), client address, client name). Any thread; a mutex guards it and
// is taken only for commands over the threshold.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yotta {

struct SlowlogEntry {
  int64_t id;
  int64_t unix_time;
  int64_t duration_us;
  std::vector<std::string> args;
  std::string addr, name;
};

class Slowlog {
 public:
  static Slowlog& Get();
  void Add(std::span<const std::string_view> args, int64_t duration_us, std::string addr, std::string name);
  std::vector<SlowlogEntry> Latest(int64_t count) const;
  size_t Len() const;
  void Reset();

 private:
  mutable std::mutex mu_;
  std::vector<SlowlogEntry> entries_;  // newest last
  int64_t next_id_ = 0;
};

}  // namespace yotta
