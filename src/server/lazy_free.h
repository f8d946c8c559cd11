// YottaStore. Licensed under the Apache License 2.0.
// LazyFree: one background thread that releases big values and detached
// tables (UNLINK, FLUSHDB/FLUSHALL ASYNC), so freeing millions of elements
// never runs on a shard loop. As Redis's lazyfree, only values with more
// than kLazyFreeThreshold elements go there; small ones are cheaper to free
// in place.
#pragma once

#include <cstddef>
#include <functional>

namespace yotta {

inline constexpr size_t kLazyFreeThreshold = 64;

// Runs `fn` on the lazy-free thread (started on first use). Any thread.
// `fn` must touch no shard state: only memory handed over to it.
void LazyFree(std::function<void()> fn);

// Jobs submitted and not yet finished (INFO lazyfree_pending_objects).
size_t LazyFreePending();

}  // namespace yotta
