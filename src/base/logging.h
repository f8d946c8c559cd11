// YottaStore. Licensed under the Apache License 2.0.
// Minimal logging and invariant checks. CHECK is always on; DCHECK only in
// debug builds. Never CHECK client input: bad input is a reply, not a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace yotta {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

// Any thread. Messages below the level are dropped.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void LogMessage(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace yotta

#define YLOG(level, ...)                                                         \
  do {                                                                           \
    if (::yotta::LogLevel::level >= ::yotta::GetLogLevel())                      \
      ::yotta::LogMessage(::yotta::LogLevel::level, __VA_ARGS__);                \
  } while (0)

#define YCHECK(cond)                                                             \
  do {                                                                           \
    if (__builtin_expect(!(cond), 0)) {                                          \
      std::fprintf(stderr, "CHECK failed: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                              \
    }                                                                            \
  } while (0)

#ifdef NDEBUG
#define YDCHECK(cond) \
  do {                \
  } while (0)
#else
#define YDCHECK(cond) YCHECK(cond)
#endif
