// YottaStore. Licensed under the Apache License 2.0.
// Txn: a command that must see several shards at once (MSET, MSETNX,
// RENAME/COPY across shards, DBSIZE, KEYS, FLUSHALL, and later EXEC and EVAL).
//
// Protocol (DESIGN.md section 2, "one sequencer"):
//   1. The coordinator (the connection's thread) calls ShardSet::Schedule.
//      Under one short mutex it posts an "arrive" message to every involved
//      shard, so all shards see all transactions in the same order; two
//      transactions can therefore never wait on each other in a cycle.
//   2. Each shard runs its inbox in order. On reaching the arrival it becomes
//      held: it keeps serving its loop (connections, completions) but defers
//      every keyspace message, and never touches its DbSlice.
//   3. The last shard to be held posts "run" to the coordinator, which runs
//      the body on its own thread with exclusive access to every involved
//      DbSlice (happens-before comes from the inbox mutex and the atomic
//      count), then posts "resume" to each shard.
//
// Rules for a body (and for every hop callback):
//   - it never blocks, sleeps, or waits for another shard;
//   - it touches only the DbSlices of the shards it holds;
//   - nothing pointing into shard memory leaves it: results are copied;
//   - its arguments are owned (copies), not views into a read buffer.
// Nothing here blocks a loop: the coordinator waits for "run" as an event.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

namespace yotta {

class Shard;

class Txn {
 public:
  // `shards`: sorted, unique indexes; `coordinator`: the calling shard.
  // `body` runs on the coordinator with every shard held, then `done` runs
  // there after the resumes are posted. The Txn deletes itself after done.
  Txn(std::vector<int> shards, Shard* coordinator, std::function<void()> body,
      std::function<void()> done)
      : shards_(std::move(shards)), coordinator_(coordinator), body_(std::move(body)), done_(std::move(done)) {}

  const std::vector<int>& shards() const { return shards_; }

  // Called by a shard when it becomes held. Any shard thread.
  void OnHeld();

 private:
  void Run();  // coordinator thread

  std::vector<int> shards_;
  Shard* coordinator_;
  std::function<void()> body_;
  std::function<void()> done_;
  std::atomic<size_t> held_{0};
};

}  // namespace yotta
