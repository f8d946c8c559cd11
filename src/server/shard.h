// YottaStore. Licensed under the Apache License 2.0.
// Shard: one core's slice of the server. It owns a thread, a uv_loop_t, a
// DbSlice, its listeners and connections, and an inbox.
//
// Inbox: an MPSC queue plus one uv_async_t. libuv coalesces wake-ups, so the
// callback drains everything queued so far. Two kinds of messages:
//   - data messages touch the keyspace. They run in FIFO order and are
//     deferred while a transaction holds the shard;
//   - control messages (completions, resumes, connection callbacks) never
//     touch the keyspace and always run at once.
//
// Pausing: a multi-shard transaction (server/transaction.h) enqueues an
// "arrive" data message on each shard it involves. A shard reaching it
// stops running data messages (it is held) until the transaction's
// coordinator posts "resume". While held, the shard's thread never touches
// its DbSlice: the coordinator thread does, for the transaction.
//
// Thread-safety: Post* and index() are safe from any thread; everything
// else is for the shard's own thread (or a transaction holding it, for
// slice()).
#pragma once

#include <uv.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/db_slice.h"
#include "server/shard_store.h"
#include "server/stats.h"

namespace yotta {

class ShardSet;
class Txn;
class Connection;

class Shard {
 public:
  Shard(int index, ShardSet* set, int num_dbs);
  ~Shard();

  int index() const { return index_; }
  ShardSet* set() const { return set_; }
  uv_loop_t* loop() { return &loop_; }
  DbSlice& slice() { return slice_; }
  ShardStore& store() { return store_; }
  ShardStats& stats() { return stats_; }

  // Any thread. Keyspace work, FIFO, deferred while the shard is held.
  void PostData(std::function<void()> fn);
  // Any thread. Non-keyspace work; runs at the next wake-up, never deferred.
  void PostControl(std::function<void()> fn);
  // Any thread (the sequencer). Enqueues the arrival of `txn`.
  void PostArrive(Txn* txn);

  // Shard thread. True iff keyspace work may run inline right now.
  bool CanRunInline() const { return held_by_ == nullptr; }
  // Shard thread. Releases the hold of `txn` and runs deferred work.
  void Resume(Txn* txn);

  // The shard whose thread is calling, or nullptr.
  static Shard* Current();

  // Starts the thread: binds listeners, runs the loop until Stop().
  void Start(int cpu);
  // Any thread. Asks the loop to close its handles and exit.
  void Stop();
  void Join();

  // Shard thread. Called on client I/O: keeps the loop polling without
  // sleeping for `busy-poll-us` after the last I/O, so a client's next
  // request does not have to wake a sleeping thread (under request/reply
  // load that wake-up, not our work, bounds throughput).
  void NoteIo();

  // Any thread (the Store's): its seqs advanced. Coalesced: at most one
  // notification is queued at a time.
  void NotifyStorageProgress();
  // Shard thread: connection `id` holds replies until its writes are
  // durable (persistence always); it is flushed on the next progress.
  void AddDurableWaiter(uint64_t id) { durable_waiters_.push_back(id); }

  // Connections living on this shard's thread (shard thread only).
  void AddConnection(Connection* c) { conns_.push_back(c); }
  void RemoveConnection(Connection* c);
  const std::vector<Connection*>& connections() const { return conns_; }
  Connection* FindConnection(uint64_t id) const;

 private:
  struct Msg {
    enum Kind : uint8_t { kData, kControl, kArrive } kind;
    Txn* txn = nullptr;
    std::function<void()> fn;
  };

  void Push(Msg m);
  static void OnWake(uv_async_t* h);
  static void OnTimer(uv_timer_t* h);
  static void OnIdle(uv_idle_t* h);
  static void OnCheck(uv_check_t* h);
  void Drain();
  void Handle(Msg& m);
  void Run(Msg& m);
  void Cron();
  void ThreadMain(int cpu);
  void CloseAll();

  const int index_;
  ShardSet* const set_;
  uv_loop_t loop_;
  uv_async_t wake_;
  uv_timer_t cron_;
  uv_idle_t busy_poll_;
  uv_check_t flush_check_;  // end of each loop iteration: storage batch
  int64_t last_io_us_ = 0;
  std::vector<uv_tcp_t*> listeners_;
  std::thread thread_;

  std::mutex mu_;
  std::vector<Msg> inbox_;  // guarded by mu_
  std::vector<Msg> draining_;
  std::deque<Msg> deferred_;
  Txn* held_by_ = nullptr;
  std::atomic<bool> stopping_{false};
  bool closed_ = false;  // guarded by mu_: the wake handle is gone

  DbSlice slice_;
  ShardStats stats_;
  ShardStore store_;
  std::atomic<bool> progress_queued_{false};
  std::vector<uint64_t> durable_waiters_;
  std::vector<Connection*> conns_;
};

}  // namespace yotta
