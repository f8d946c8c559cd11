// YottaStore. Licensed under the Apache License 2.0.
#include "commands/memory_stats.h"

#include <unistd.h>

#include <cstdio>

// jemalloc's control interface, declared weak so that builds without
// jemalloc (sanitizers bring their own allocator) link and see nullptr.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));
// The sanitizers' allocator statistics, present only in sanitizer builds.
extern "C" size_t __sanitizer_get_current_allocated_bytes() __attribute__((weak));

namespace yotta {

int64_t AllocatedBytes() {
  if (!mallctl) {
    if (__sanitizer_get_current_allocated_bytes) {
      return static_cast<int64_t>(__sanitizer_get_current_allocated_bytes());
    }
    return -1;
  }
  // Statistics are cached until the epoch advances.
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
  size_t allocated = 0;
  len = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) != 0) return -1;
  return static_cast<int64_t>(allocated);
}

std::string AllocatorName() {
  if (!mallctl) return __sanitizer_get_current_allocated_bytes ? "sanitizer" : "libc";
  const char* version = nullptr;
  size_t len = sizeof(version);
  if (mallctl("version", &version, &len, nullptr, 0) != 0 || !version) return "jemalloc";
  std::string v(version);
  // jemalloc reports "5.3.0-0-g54eaed1d8b..."; Redis prints the release only.
  size_t dash = v.find('-');
  return "jemalloc-" + v.substr(0, dash);
}

int64_t RssBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long long size = 0, resident = 0;
  int n = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

std::string BytesToHuman(int64_t n) {
  static const char kUnits[] = "KMGTP";
  char buf[64];
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%lldB", static_cast<long long>(n));
    return buf;
  }
  double d = static_cast<double>(n) / 1024;
  int unit = 0;
  while (d >= 1024 && unit < 4) {
    d /= 1024;
    ++unit;
  }
  std::snprintf(buf, sizeof(buf), "%.2f%c", d, kUnits[unit]);
  return buf;
}

}  // namespace yotta
