// YottaStore. Licensed under the Apache License 2.0.
// Wall-clock milliseconds and monotonic microseconds. Tests may install a fake
// wall clock (process-wide) to exercise expiry without sleeping.
#pragma once

#include <cstdint>

namespace yotta {

// Any thread. Unix time in milliseconds (or the fake clock when set).
int64_t NowMs();
// Any thread. Unix time in microseconds (real clock; TIME, SLOWLOG).
int64_t NowUs();
// Any thread. Monotonic microseconds, for durations.
int64_t MonotonicUs();

// Tests only: 0 turns the fake clock off.
void SetFakeNowMs(int64_t ms);

}  // namespace yotta
