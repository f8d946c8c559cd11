// YottaStore. Licensed under the Apache License 2.0.
#include "base/clock.h"

#include <atomic>
#include <ctime>

namespace yotta {
namespace {
std::atomic<int64_t> g_fake_ms{0};
}

int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t NowMs() {
  int64_t fake = g_fake_ms.load(std::memory_order_relaxed);
  if (fake) return fake;
  return NowUs() / 1000;
}

int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void SetFakeNowMs(int64_t ms) { g_fake_ms.store(ms); }

}  // namespace yotta
