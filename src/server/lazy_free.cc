// YottaStore. Licensed under the Apache License 2.0.
// The lazy-free thread: a mutex-guarded queue and a condition variable. The
// thread is detached: work still queued at exit is memory the process
// returns anyway.
#include "server/lazy_free.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace yotta {
namespace {

struct Queue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> jobs;
  std::atomic<size_t> pending{0};
  bool started = false;
};

Queue& Q() {
  static Queue* q = new Queue;  // never destroyed: the thread may outlive statics
  return *q;
}

void Worker() {
  Queue& q = Q();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(q.mu);
      q.cv.wait(lock, [&] { return !q.jobs.empty(); });
      job = std::move(q.jobs.front());
      q.jobs.pop_front();
    }
    job();
    q.pending.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace

void LazyFree(std::function<void()> fn) {
  Queue& q = Q();
  q.pending.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(q.mu);
    q.jobs.push_back(std::move(fn));
    if (!q.started) {
      q.started = true;
      std::thread(Worker).detach();
    }
  }
  q.cv.notify_one();
}

size_t LazyFreePending() { return Q().pending.load(std::memory_order_relaxed); }

}  // namespace yotta
