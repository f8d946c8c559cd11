// YottaStore. Licensed under the Apache License 2.0.
// Process lifecycle: start-up facts for INFO, and the shutdown request that
// SHUTDOWN and signals share.
#pragma once

#include <cstdint>
#include <string>

namespace yotta {

// Any thread. Asks the main thread to stop every shard and exit.
void RequestShutdown();
void SetShutdownHandler(void (*fn)());

struct ProcessInfo {
  int64_t start_ms = 0;
  std::string executable;
  std::string config_file;
  std::string run_id;
};
ProcessInfo& GetProcessInfo();

inline constexpr const char* kVersion = "7.2.0";  // the Redis version we follow
inline constexpr const char* kYottaVersion = "0.1.0";

}  // namespace yotta
