// YottaStore. Licensed under the Apache License 2.0.
// The process-wide storage tier: opening the Store at startup, the
// persistence mode, the MISCONF state, and the hooks that connect the
// Store's threads to the shards (progress notifications, write barriers).
// Per-shard state lives in server/shard_store.h.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace yotta {

class Shard;
class ShardSet;

// Opens the Store under `dir` per the config (main, before shards start).
// False with *err (a clear message) if the dir cannot be used.
bool OpenStorage(ShardSet* set, std::string* err);
// Flushes every shard's pending changes and closes the Store (shutdown,
// after the shards stopped).
void CloseStorage(ShardSet* set);

storage::Store* TheStore();
storage::Persistence CurrentPersistence();
bool TieringOn();
// Applies CONFIG SET persistence/tiering (any thread).
void ApplyStorageConfig();

// MISCONF: non-empty while the Store fails to write; the full error reply.
std::string MisconfError();

// Calls fn on `home`'s thread once every shard's written_seq has reached the
// seq it had to reach when this was called (a barrier: everything changed
// so far is visible to Store reads). Call with every shard held or from a
// shard thread after flushing.
void WhenWritten(std::vector<uint64_t> targets, Shard* home, std::function<void()> fn);

// Fault injection (DEBUG STORAGE-ERROR, storage-fault-injection yes):
// "ENOSPC", "EIO" or "OFF". False if injection is not enabled.
bool InjectStorageError(const std::string& what);

// SAVE/BGSAVE bookkeeping for INFO persistence and LASTSAVE.
struct SaveState {
  int64_t last_save_s = 0;
  bool in_progress = false;
  bool last_ok = true;
  std::string last_dir;
  int64_t changes_since_save = 0;
};
SaveState GetSaveState();
// Starts a checkpoint; done(err) on `home`'s thread. False if one is running.
bool StartSave(Shard* home, std::function<void(std::string err)> done);
void CountChange();

}  // namespace yotta
