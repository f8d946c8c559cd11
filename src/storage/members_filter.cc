// YottaStore. Licensed under the Apache License 2.0.
// MembersFilter: one point lookup of the owning meta record per member seen
// by a compaction (bloom filters make the misses cheap).
#include "storage/members_filter.h"

#include "storage/key_format.h"

namespace yotta::storage {
namespace {

class MembersFilter : public rocksdb::CompactionFilter {
 public:
  MembersFilter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) : db_(db), meta_(meta) {}
  const char* Name() const override { return "YottaMembersFilter"; }

  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    if (db_ == nullptr) return false;
    auto mk = detail::ParseMemberKey(std::string_view(key.data(), key.size()));
    if (!mk) return false;  // not ours: keep
    // Latest state, not a snapshot: a member is dead for good once its meta
    // record is gone or re-versioned (versions of a key never come back).
    rocksdb::PinnableSlice v;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), meta_, detail::MetaKey(mk->db, mk->key), &v);
    if (s.IsNotFound()) return true;
    if (!s.ok()) return false;  // cannot tell: keep
    Record::Kind kind;
    uint64_t version;
    if (!detail::DecodeRecordHeader(std::string_view(v.data(), v.size()), &kind, &version)) {
      return false;
    }
    return kind != Record::kMembers || version != mk->version;
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* meta_;
};

}  // namespace

std::unique_ptr<rocksdb::CompactionFilter> MembersFilterFactory::CreateCompactionFilter(
    const rocksdb::CompactionFilter::Context& /*ctx*/) {
  std::lock_guard lock(mu_);
  return std::make_unique<MembersFilter>(db_, meta_);
}

void MembersFilterFactory::Set(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta) {
  std::lock_guard lock(mu_);
  db_ = db;
  meta_ = meta;
}

}  // namespace yotta::storage
