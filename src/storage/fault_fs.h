// YottaStore. Licensed under the Apache License 2.0.
// FaultFs: a rocksdb::FileSystem wrapper for crash and disk-error tests
// (unit tests, and DEBUG commands in integration tests).
//
// Power loss. FaultFs remembers, for every file created or reopened for
// writing through it, how many bytes have been appended and how many were
// made durable by Sync/Fsync/RangeSync-to-end. DropUnsynced() simulates the
// machine losing power: each such file is cut back to its synced size, and a
// file that was created but never synced disappears (its directory entry is
// treated as unsynced too). Renames and deletes move or forget the state.
// Call it only after the DB using the FS is closed (Store::AbandonForTest);
// Crash() first makes later syncs no-ops, so nothing a closing DB does can
// make more data durable than a real power cut would.
//
// Disk errors. SetError(EIO | ENOSPC) makes every later Append,
// PositionedAppend, Sync, Fsync and RangeSync of writable files fail with
// IOStatus::IOError / IOStatus::NoSpace ("Input/output error" / "No space
// left on device") until SetError(0). SetSyncError does the same for syncs
// only.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace yotta::storage {

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFs(std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default());

  static const char* kClassName() { return "YottaFaultFs"; }
  const char* Name() const override { return kClassName(); }

  // errno_like: 0 (no error), EIO or ENOSPC.
  void SetError(int errno_like) { error_.store(errno_like); }
  int error() const { return error_.load(); }
  // Like SetError, for Sync/Fsync/RangeSync only (appends still succeed).
  void SetSyncError(int errno_like) { sync_error_.store(errno_like); }

  // From now on Sync/Fsync succeed without making anything durable.
  void Crash() { crashed_.store(true); }
  // Truncates/deletes what was not synced (see above) and forgets all state;
  // afterwards the FS is usable again (not crashed). Returns files touched.
  int DropUnsynced();

  // Not-synced bytes across tracked files (tests).
  uint64_t UnsyncedBytes() const;

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& opts,
                               rocksdb::IODebugContext* dbg) override;

  // Used by the file wrappers.
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
    bool ever_synced = false;  // false: created through us, never synced
  };
  rocksdb::IOStatus InjectedError(bool is_sync = false) const;
  void OnAppend(const std::string& fname, uint64_t new_size);
  void OnSync(const std::string& fname);

 private:
  rocksdb::IOStatus Wrap(const std::string& fname, bool created, uint64_t initial_size,
                         std::unique_ptr<rocksdb::FSWritableFile>* result);

  std::atomic<int> error_{0};
  std::atomic<int> sync_error_{0};
  std::atomic<bool> crashed_{false};
  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;  // guarded by mu_
};

}  // namespace yotta::storage
