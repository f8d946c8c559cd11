// YottaStore. Licensed under the Apache License 2.0.
// Unit tests for storage/fault_fs: DropUnsynced cuts files back to their
// synced size and removes never-synced files; SetError fails writes.
#include "storage/fault_fs.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace yotta::storage {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<rocksdb::FSWritableFile> NewFile(FaultFs& ffs, const std::string& path) {
  std::unique_ptr<rocksdb::FSWritableFile> f;
  REQUIRE(ffs.NewWritableFile(path, rocksdb::FileOptions(), &f, nullptr).ok());
  return f;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("store FaultFs drops unsynced bytes and never-synced files") {
    std::string dir =
        (fs::temp_directory_path() / ("yotta_faultfs_" + std::to_string(getpid()))).string();
    fs::remove_all(dir);
    fs::create_directories(dir);
    FaultFs ffs;
    rocksdb::IOOptions io;
    auto a = NewFile(ffs, dir + "/a");
    REQUIRE(a->Append("hello ", io, nullptr).ok());
    REQUIRE(a->Sync(io, nullptr).ok());
    REQUIRE(a->Append("world", io, nullptr).ok());
    REQUIRE(a->Close(io, nullptr).ok());
    auto b = NewFile(ffs, dir + "/b");
    REQUIRE(b->Append("never synced", io, nullptr).ok());
    REQUIRE(b->Close(io, nullptr).ok());
    auto c = NewFile(ffs, dir + "/c.tmp");
    REQUIRE(c->Append("renamed", io, nullptr).ok());
    REQUIRE(c->Fsync(io, nullptr).ok());
    REQUIRE(c->Close(io, nullptr).ok());
    REQUIRE(ffs.RenameFile(dir + "/c.tmp", dir + "/c", io, nullptr).ok());
    CHECK(ffs.UnsyncedBytes() == 5 + 12);

    SUBCASE("syncs after Crash() do not count") {
      ffs.Crash();
      auto d = NewFile(ffs, dir + "/d");
      REQUIRE(d->Append("late", io, nullptr).ok());
      REQUIRE(d->Sync(io, nullptr).ok());
      REQUIRE(d->Close(io, nullptr).ok());
      ffs.DropUnsynced();
      CHECK_FALSE(fs::exists(dir + "/d"));
    }
    SUBCASE("plain") { CHECK(ffs.DropUnsynced() == 2); }
    CHECK(fs::file_size(dir + "/a") == 6);
    CHECK_FALSE(fs::exists(dir + "/b"));
    CHECK(fs::file_size(dir + "/c") == 7);

    ffs.SetError(ENOSPC);
    auto e = NewFile(ffs, dir + "/e");
    rocksdb::IOStatus st = e->Append("x", io, nullptr);
    CHECK(st.IsNoSpace());
    ffs.SetError(EIO);
    st = e->Sync(io, nullptr);
    CHECK(st.IsIOError());
    CHECK(st.ToString().find("Input/output error") != std::string::npos);
    ffs.SetError(0);
    CHECK(e->Append("x", io, nullptr).ok());
    CHECK(e->Close(io, nullptr).ok());
    fs::remove_all(dir);
  }

}  // TEST_SUITE

}  // namespace yotta::storage
