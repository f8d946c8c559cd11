// YottaStore. Licensed under the Apache License 2.0.
#include "server/lifecycle.h"

#include <atomic>

namespace yotta {
namespace {
std::atomic<void (*)()> g_handler{nullptr};
}

void SetShutdownHandler(void (*fn)()) { g_handler.store(fn); }

void RequestShutdown() {
  if (auto fn = g_handler.load()) fn();
}

ProcessInfo& GetProcessInfo() {
  static ProcessInfo* p = new ProcessInfo();
  return *p;
}

}  // namespace yotta
