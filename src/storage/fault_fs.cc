// YottaStore. Licensed under the Apache License 2.0.
// FaultFs: per-file synced-size bookkeeping, simulated power loss and
// injected write errors (see fault_fs.h).
#include "storage/fault_fs.h"

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "storage/store.h"

namespace yotta::storage {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// Owns the real file; reports appends and syncs to the FaultFs.
class FaultFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(std::unique_ptr<rocksdb::FSWritableFile> f, FaultFs* fs, std::string fname,
            uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs), fname_(std::move(fname)), size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError();
    if (s.ok()) s = target()->Append(data, o, dbg);
    if (s.ok()) Grew(size_ + data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError();
    if (s.ok()) s = target()->Append(data, o, info, dbg);
    if (s.ok()) Grew(size_ + data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError();
    if (s.ok()) s = target()->PositionedAppend(data, offset, o, dbg);
    if (s.ok()) Grew(std::max(size_, offset + data.size()));
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& info,
                            IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError();
    if (s.ok()) s = target()->PositionedAppend(data, offset, o, info, dbg);
    if (s.ok()) Grew(std::max(size_, offset + data.size()));
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = target()->Truncate(size, o, dbg);
    if (s.ok()) {
      size_ = size;
      fs_->OnAppend(fname_, size_);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError(true);
    if (s.ok()) s = target()->Sync(o, dbg);
    if (s.ok()) fs_->OnSync(fname_);
    return s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError(true);
    if (s.ok()) s = target()->Fsync(o, dbg);
    if (s.ok()) fs_->OnSync(fname_);
    return s;
  }
  // RangeSync makes no durability promise we model; only report errors.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o,
                     IODebugContext* dbg) override {
    IOStatus s = fs_->InjectedError(true);
    if (s.ok()) s = target()->RangeSync(offset, nbytes, o, dbg);
    return s;
  }

 private:
  void Grew(uint64_t size) {
    size_ = size;
    fs_->OnAppend(fname_, size_);
  }

  FaultFs* fs_;
  std::string fname_;
  uint64_t size_;
};

}  // namespace

FaultFs::FaultFs(std::shared_ptr<rocksdb::FileSystem> base) : FileSystemWrapper(base) {}

IOStatus FaultFs::InjectedError(bool is_sync) const {
  int e = error_.load();
  if (e == 0 && is_sync) e = sync_error_.load();
  switch (e) {
    case 0:
      return IOStatus::OK();
    case ENOSPC:
      return IOStatus::NoSpace("FaultFs", "No space left on device");
    default:
      return IOStatus::IOError("FaultFs", "Input/output error");
  }
}

void FaultFs::OnAppend(const std::string& fname, uint64_t new_size) {
  std::lock_guard lock(mu_);
  files_[fname].size = new_size;
}

void FaultFs::OnSync(const std::string& fname) {
  if (crashed_.load()) return;
  std::lock_guard lock(mu_);
  FileState& st = files_[fname];
  st.synced = st.size;
  st.ever_synced = true;
}

IOStatus FaultFs::Wrap(const std::string& fname, bool created, uint64_t initial_size,
                       std::unique_ptr<rocksdb::FSWritableFile>* result) {
  {
    std::lock_guard lock(mu_);
    FileState& st = files_[fname];
    st.size = initial_size;
    st.synced = initial_size;
    st.ever_synced = !created;
  }
  *result = std::make_unique<FaultFile>(std::move(*result), this, fname, initial_size);
  return IOStatus::OK();
}

IOStatus FaultFs::NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                  std::unique_ptr<rocksdb::FSWritableFile>* result,
                                  IODebugContext* dbg) {
  IOStatus s = target()->NewWritableFile(fname, opts, result, dbg);
  if (!s.ok()) return s;
  return Wrap(fname, true, 0, result);
}

IOStatus FaultFs::ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                     std::unique_ptr<rocksdb::FSWritableFile>* result,
                                     IODebugContext* dbg) {
  bool existed = target()->FileExists(fname, IOOptions(), dbg).ok();
  uint64_t size = 0;
  if (existed) {
    std::lock_guard lock(mu_);
    auto it = files_.find(fname);
    // A file we already track keeps its synced size; else what is there is durable.
    if (it != files_.end()) {
      IOStatus s = target()->ReopenWritableFile(fname, opts, result, dbg);
      if (!s.ok()) return s;
      *result = std::make_unique<FaultFile>(std::move(*result), this, fname, it->second.size);
      return s;
    }
  }
  IOStatus s = target()->ReopenWritableFile(fname, opts, result, dbg);
  if (!s.ok()) return s;
  if (existed) target()->GetFileSize(fname, IOOptions(), &size, dbg).PermitUncheckedError();
  return Wrap(fname, !existed, size, result);
}

IOStatus FaultFs::ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                    const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    IODebugContext* dbg) {
  IOStatus s = target()->ReuseWritableFile(fname, old_fname, opts, result, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    files_.erase(old_fname);
  }
  return Wrap(fname, true, 0, result);
}

IOStatus FaultFs::DeleteFile(const std::string& fname, const IOOptions& opts, IODebugContext* dbg) {
  IOStatus s = target()->DeleteFile(fname, opts, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    files_.erase(fname);
  }
  return s;
}

IOStatus FaultFs::RenameFile(const std::string& src, const std::string& target_name,
                             const IOOptions& opts, IODebugContext* dbg) {
  IOStatus s = target()->RenameFile(src, target_name, opts, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    auto it = files_.find(src);
    if (it != files_.end()) {
      FileState st = it->second;
      files_.erase(it);
      files_[target_name] = st;
    } else {
      files_.erase(target_name);  // replaced by an untracked (durable) file
    }
  }
  return s;
}

int FaultFs::DropUnsynced() {
  std::lock_guard lock(mu_);
  int touched = 0;
  for (const auto& [name, st] : files_) {
    std::error_code ec;
    if (!std::filesystem::exists(name, ec)) continue;
    if (!st.ever_synced) {
      std::filesystem::remove(name, ec);
      ++touched;
    } else if (std::filesystem::file_size(name, ec) > st.synced) {
      std::filesystem::resize_file(name, st.synced, ec);
      ++touched;
    }
  }
  files_.clear();
  crashed_.store(false);
  return touched;
}

uint64_t FaultFs::UnsyncedBytes() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [name, st] : files_) n += st.size - std::min(st.size, st.synced);
  return n;
}

namespace {
std::mutex g_current_mu;
std::weak_ptr<FaultFs> g_current;  // guarded by g_current_mu
}  // namespace

std::shared_ptr<void> MakeFaultFs() {
  auto fs = std::make_shared<FaultFs>();
  std::lock_guard lock(g_current_mu);
  g_current = fs;
  return std::static_pointer_cast<rocksdb::FileSystem>(fs);
}

void SetFaultFsError(int errno_like) {
  std::shared_ptr<FaultFs> fs;
  {
    std::lock_guard lock(g_current_mu);
    fs = g_current.lock();
  }
  if (fs) fs->SetError(errno_like);
}

}  // namespace yotta::storage
