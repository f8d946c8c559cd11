// YottaStore. Licensed under the Apache License 2.0.
// Process memory facts for INFO memory and MEMORY: the allocator's own count
// (jemalloc's stats.allocated when the binary links jemalloc), the resident
// set size, and Redis's human-readable byte format. Any thread.
#pragma once

#include <cstdint>
#include <string>

namespace yotta {

// Bytes allocated by the application as jemalloc counts them (in
// sanitizer builds, as the sanitizer's allocator counts them); -1 when
// neither can tell, so callers fall back to the shards' own accounting.
int64_t AllocatedBytes();
// "jemalloc-5.3.0", "sanitizer", or "libc".
std::string AllocatorName();
// Resident set size from /proc/self/statm; 0 if unreadable.
int64_t RssBytes();
// Redis's bytesToHuman: "512B", "894.96K", "1.50M", "2.00G", ...
std::string BytesToHuman(int64_t n);

}  // namespace yotta
