// YottaStore. Licensed under the Apache License 2.0.
// The compaction filter of the "members" column family: it drops a member
// whose key's meta record is gone or carries another version, so DEL or
// overwrite of a member-wise key is O(1) and compaction collects the rest.
#pragma once

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>

#include <memory>
#include <mutex>

namespace yotta::storage {

// Installed on "members" before DB::Open; Set() gives it the DB once open.
// Until then (and after Set(nullptr, nullptr)) its filters keep everything.
// Any thread.
class MembersFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  const char* Name() const override { return "YottaMembersFilterFactory"; }
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& ctx) override;
  void Set(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta);

 private:
  std::mutex mu_;
  rocksdb::DB* db_ = nullptr;                    // guarded by mu_
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;  // guarded by mu_
};

}  // namespace yotta::storage
