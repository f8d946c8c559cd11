// YottaStore. Licensed under the Apache License 2.0.
// Log lines look like Redis's: "pid:role dd Mon yyyy hh:mm:ss.mmm * message".
#include "base/logging.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <ctime>

namespace yotta {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kNotice)};
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

void LogMessage(LogLevel level, const char* fmt, ...) {
  static const char kMarks[] = {'.', '-', '*', '#'};
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm tm_now;
  localtime_r(&tv.tv_sec, &tm_now);
  char when[64];
  size_t n = std::strftime(when, sizeof(when), "%d %b %Y %H:%M:%S", &tm_now);
  std::snprintf(when + n, sizeof(when) - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
  std::fprintf(stderr, "%d:M %s %c %s\n", static_cast<int>(getpid()), when,
               kMarks[static_cast<int>(level)], msg);
}

}  // namespace yotta
